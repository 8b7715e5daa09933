"""Search quality of the knowledge base: recall@5 and MRR of the evaluation queries.

Usage: .venv/bin/python bench/kb_eval.py [--database-url URL] [--verbose]

Loads bench/kb_eval/articles.jsonl (written for this set: enterprise IT and telecom after-sales
articles) into a database (a temporary SQLite file unless --database-url is given; a PostgreSQL
database must have "bench" or "eval" in its name, its articles are replaced), indexes them with
kb.index.index_article, runs every query of bench/kb_eval/queries.jsonl through kb.search.search
as an administrator (limit 5, articles only) and prints recall@5 and MRR overall and per query
type, then the queries that missed a relevant article. tests/kb/test_search_quality.py runs the
same on the test database through `load_articles` and `evaluate`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "kb_eval"
ARTICLES = DATA / "articles.jsonl"
QUERIES = DATA / "queries.jsonl"
K = 5


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The rows of a JSON-lines file (blank lines skipped)."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def category_for(path: str, cache: dict[str, Any]) -> Any:
    """The Category of a "产品线/模块/主题" path, created level by level as needed."""
    from aftersales.kb.models import Category, CategoryLevel

    levels = [CategoryLevel.PRODUCT_LINE, CategoryLevel.MODULE, CategoryLevel.TOPIC]
    parent = None
    names = [p.strip() for p in path.split("/") if p.strip()]
    for depth, name in enumerate(names):
        key = "/".join(names[: depth + 1])
        if key not in cache:
            cache[key], _created = Category.objects.get_or_create(
                parent=parent, name=name, defaults={"level": levels[min(depth, 2)]}
            )
        parent = cache[key]
    return parent


def load_articles(rows: Iterable[dict[str, Any]], *, owner: Any = None) -> dict[str, int]:
    """Create each row as a published public Article (with its category path and tags) and
    index it; returns article id per key."""
    from django.db import transaction
    from django.utils import timezone

    from aftersales.kb import index
    from aftersales.kb.models import Article, ArticleStatus, Tag, Visibility

    now = timezone.now()
    categories: dict[str, Any] = {}
    tags: dict[str, Any] = {}
    ids: dict[str, int] = {}
    with transaction.atomic():
        for row in rows:
            article = Article.objects.create(
                title=row["title"],
                body=row["body"],
                kind=row["kind"],
                category=category_for(row["category"], categories),
                product_line=row.get("product_line", ""),
                status=ArticleStatus.PUBLISHED,
                visibility=Visibility.PUBLIC,
                owner=owner,
                created_by=owner,
                published_at=now,
                created_at=now,
                updated_at=now,
            )
            names = []
            for name in row.get("tags", []):
                folded = name.strip().lower()[:40]
                if folded and folded not in names:
                    names.append(folded)
            for name in names:
                if name not in tags:
                    tags[name], _created = Tag.objects.get_or_create(name=name)
            article.tags.set([tags[n] for n in names])
            index.index_article(article)
            ids[row["key"]] = article.pk
    return ids


@dataclass
class Outcome:
    q: str
    kind: str
    relevant: tuple[str, ...]
    found: tuple[str, ...]  # the keys of the top K, best first ("?" for an unknown article)

    @property
    def recall(self) -> float:
        return sum(1 for key in self.relevant if key in self.found) / len(self.relevant)

    @property
    def reciprocal_rank(self) -> float:
        for rank, key in enumerate(self.found, start=1):
            if key in self.relevant:
                return 1.0 / rank
        return 0.0


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @staticmethod
    def _mean(values: Sequence[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    @property
    def recall(self) -> float:
        return self._mean([o.recall for o in self.outcomes])

    @property
    def mrr(self) -> float:
        return self._mean([o.reciprocal_rank for o in self.outcomes])

    def by_kind(self) -> dict[str, tuple[int, float, float]]:
        """(queries, recall@K, MRR) per query type."""
        kinds: dict[str, list[Outcome]] = {}
        for o in self.outcomes:
            kinds.setdefault(o.kind, []).append(o)
        return {
            kind: (
                len(group),
                self._mean([o.recall for o in group]),
                self._mean([o.reciprocal_rank for o in group]),
            )
            for kind, group in sorted(kinds.items())
        }

    def failures(self) -> list[Outcome]:
        """Queries that missed at least one relevant article in the top K."""
        return [o for o in self.outcomes if o.recall < 1.0]


def evaluate(*, user: Any, queries: Iterable[dict[str, Any]], ids: dict[str, int]) -> Report:
    """Run each query through kb.search.search as `user` and score its top K."""
    from aftersales.kb.search import search

    keys = {pk: key for key, pk in ids.items()}
    report = Report()
    for query in queries:
        hits = search(user=user, q=query["q"], limit=K, kinds=("article",))
        report.outcomes.append(
            Outcome(
                q=query["q"],
                kind=query.get("type", "other"),
                relevant=tuple(query["relevant"]),
                found=tuple(keys.get(h.id, "?") for h in hits),
            )
        )
    return report


def print_report(report: Report, *, verbose: bool = False) -> None:
    print(f"queries {len(report.outcomes)}  recall@{K} {report.recall:.3f}  MRR {report.mrr:.3f}")
    for kind, (n, recall, mrr) in report.by_kind().items():
        print(f"  {kind:<12} {n:>3} queries  recall@{K} {recall:.3f}  MRR {mrr:.3f}")
    shown = report.outcomes if verbose else report.failures()
    if shown:
        print("missed:" if not verbose else "all:")
    for o in shown:
        print(
            f"  [{o.kind}] {o.q!r}: recall {o.recall:.2f} rr {o.reciprocal_rank:.2f}"
            f"  wanted {list(o.relevant)}  got {list(o.found)}"
        )


def admin_user(username: str = "kbeval_admin") -> Any:
    """A staff administrator who may see every article (drafts included)."""
    from django.contrib.auth.models import Group

    from aftersales.accounts.models import User
    from aftersales.accounts.roles import Role

    user, _created = User.objects.get_or_create(
        username=username, defaults={"is_staff": True, "is_superuser": True}
    )
    user.groups.add(Group.objects.get_or_create(name=Role.ADMIN)[0])
    return user


def _setup(url: str) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _clear() -> None:
    """Remove earlier runs' articles and their index documents (PostgreSQL reruns)."""
    from aftersales.kb import index
    from aftersales.kb.models import Article, ArticleVersion, DocumentKind, SearchDocument

    for object_id in SearchDocument.objects.filter(kind=DocumentKind.ARTICLE).values_list(
        "object_id", flat=True
    ):
        index.remove(DocumentKind.ARTICLE, object_id)
    ArticleVersion.objects.all().delete()
    Article.tags.through.objects.all().delete()
    Article.objects.all().delete()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--verbose", action="store_true", help="print every query's top 5")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/kb_eval.sqlite3"
        if args.database_url and not any(w in url.rsplit("/", 1)[-1] for w in ("bench", "eval")):
            print("refusing: the database name must contain 'bench' or 'eval'", file=sys.stderr)
            return 2
        _setup(url)
        _clear()
        user = admin_user()
        ids = load_articles(read_jsonl(ARTICLES), owner=user)
        report = evaluate(user=user, queries=read_jsonl(QUERIES), ids=ids)
        print(f"articles {len(ids)}")
        print_report(report, verbose=args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
