"""Knowledge search at scale: kb.search.search over 100,000 articles and 1,000,000 cases.

Usage: .venv/bin/python bench/kb_search_bench.py [--database-url URL] [--articles 100000]
       [--cases 1000000] [--queries 300] [--runs 3] [--reload]

Needs a PostgreSQL database whose name contains "bench" (default aftersales_bench_kb; create it
with `su postgres -c "createdb -O aftersales aftersales_bench_kb"`). It migrates the database
and, unless the sizes already loaded match (bench_kb_meta), loads:
- the cases with case_bench's deterministic loader (COPY; four timeline rows each);
- --articles published articles made by recombining the sentences of bench/kb_eval/articles.jsonl
  deterministically (a corpus title and category, three to eight sentences of other articles);
- the search index of both (SearchDocument, SearchTerm with df, Posting with kb.index.impact),
  written by COPY with the posting indexes built afterwards. Each text is cut by kb.text.tokens
  a piece at a time (sentences, the words of a case's search_text): both split there anyway,
  so a document gets the words, and so the impacts, that index_article/index_case give it.
Then it times --queries searches (the evaluation queries, repeated) through kb.search.search as
an administrator (articles and cases, limit 10): p50/p95/max per run, and the median p95.
The target of issue 15 is p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://aftersales:aftersales@127.0.0.1:5432/aftersales_bench_kb"
TARGET_P95_MS = 100
BATCH = 20_000
# Sentence ends where both jieba and kb.text split anyway: cutting there changes no word.
_SENTENCE = re.compile(r"(?<=[。！？；\n])")


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reload", action="store_true", help="load again even if sizes match")
    return parser.parse_args()


def _setup(url: str) -> None:
    if "bench" not in url.rsplit("/", 1)[-1]:
        raise SystemExit("refusing: the database name must contain 'bench'")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- the index writer -----------------------------------------------------------------------


class Indexer:
    """Postings by COPY: words cut once per distinct piece, term ids handed out here, df
    counted here and written with the terms at the end."""

    def __init__(self, cursor: Any, first_document: int) -> None:
        from aftersales.kb import text

        self.cur = cursor
        self.lex = text.lexicon()
        self._tokens = text.tokens
        self.pieces: dict[str, tuple[str, ...]] = {}
        self.terms: dict[str, int] = {}
        self.df: Counter = Counter()
        self.next_document = first_document
        self.documents = 0
        self.postings = 0

    def words(self, piece: str) -> tuple[str, ...]:
        found = self.pieces.get(piece)
        if found is None:
            found = tuple(self.lex.normalize(w) for w in self._tokens(piece, lex=self.lex))
            if len(self.pieces) < 2_000_000:  # unique serials would only fill the memory
                self.pieces[piece] = found
        return found

    def document(self, kind: str, title: list[str], body: list[str]) -> tuple[int, list, int]:
        """(document id, posting rows, length) of a text given as pieces (document_words)."""
        from aftersales.kb.index import TITLE_WEIGHT, impact

        title_words = [w for p in title for w in self.words(p)]
        body_words = [w for p in body for w in self.words(p)]
        counts: Counter = Counter(body_words)
        for word in title_words:
            counts[word] += TITLE_WEIGHT
        length = len(title_words) + len(body_words)
        in_title = set(title_words)
        pk = self.next_document
        self.next_document += 1
        rows = []
        for word, tf in counts.items():
            term = self.terms.get(word)
            if term is None:
                term = self.terms[word] = len(self.terms) + 1
            self.df[term] += 1
            rows.append((pk, term, impact(tf, length, kind), word in in_title))
        return pk, rows, length

    def copy_documents(self, docs: list[tuple], postings: list[tuple]) -> None:
        cols = (
            "id, kind, object_id, length, category_id, article_kind, product_line, "
            "product_model_id, public, published, dated, indexed_at"
        )
        with self.cur.copy(f"COPY kb_searchdocument ({cols}) FROM STDIN") as cp:
            for row in docs:
                cp.write_row(row)
        with self.cur.copy(
            "COPY kb_posting (document_id, term_id, impact, in_title) FROM STDIN"
        ) as cp:
            for row in postings:
                cp.write_row(row)
        self.documents += len(docs)
        self.postings += len(postings)

    def copy_terms(self) -> None:
        with self.cur.copy("COPY kb_searchterm (id, term, df) FROM STDIN") as cp:
            for term, pk in self.terms.items():
                cp.write_row((pk, term, self.df[pk]))


def _sentences(body: str) -> list[str]:
    return [s for s in _SENTENCE.split(body) if s.strip()]


def article_rows(n: int, corpus: list[dict]) -> Iterator[dict]:
    """`n` articles: a corpus title and category, 3-8 sentences drawn from the corpus."""
    rnd = random.Random(15)
    sentences = [s for row in corpus for s in _sentences(row["body"])]
    for i in range(n):
        base = corpus[i % len(corpus)] if i < len(corpus) else rnd.choice(corpus)
        own = _sentences(base["body"])
        body = own[: rnd.randint(1, 3)] + rnd.sample(sentences, rnd.randint(2, 5))
        yield {**base, "body": "".join(s if s.endswith("\n") else s + "\n" for s in body)}


def _posting_indexes(cur: Any) -> list[str]:
    """Drop kb_posting's primary key and indexes; returns the statements that rebuild them."""
    cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'kb_posting'::regclass AND contype = 'p'"
    )
    constraints = cur.fetchall()
    cur.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'kb_posting' "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint "
        "WHERE conrelid = 'kb_posting'::regclass)"
    )
    indexes = cur.fetchall()
    rebuild = [f"ALTER TABLE kb_posting ADD CONSTRAINT {n} {d}" for n, d in constraints]
    rebuild += [d for _n, d in indexes]
    for name, _d in constraints:
        cur.execute(f"ALTER TABLE kb_posting DROP CONSTRAINT {name}")
    for name, _d in indexes:
        cur.execute(f"DROP INDEX {name}")
    return rebuild


def load(n_articles: int, n_cases: int) -> None:
    from bench import case_bench
    from bench.kb_eval import ARTICLES, category_for, read_jsonl
    from django.db import connection, transaction
    from django.utils import timezone

    from aftersales.core.db import bulk_insert
    from aftersales.kb.models import Article, ArticleStatus, Visibility

    started = time.perf_counter()
    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS bench_kb_meta")
        c.execute(
            "TRUNCATE kb_posting, kb_searchterm, kb_searchdocument, kb_articlecaselink, "
            "kb_articlerating, kb_articleversion, kb_articleattachment, kb_deflection, "
            "kb_article_tags, kb_article_product_models, kb_article, kb_category CASCADE"
        )
    print(f"loading {n_cases} cases (case_bench's loader)")
    case_bench.load(n_cases, n_cases * 4)
    corpus = read_jsonl(ARTICLES)
    now = timezone.now()
    with transaction.atomic():
        categories: dict[str, Any] = {}
        for row in corpus:
            category_for(row["category"], categories)
        made = 0
        rows = article_rows(n_articles, corpus)
        texts: list[tuple[int, dict]] = []
        while made < n_articles:
            chunk = [r for _, r in zip(range(BATCH), rows, strict=False)]
            objs = [
                Article(
                    title=r["title"],
                    body=r["body"],
                    kind=r["kind"],
                    category=categories[r["category"]],
                    product_line=r["product_line"],
                    status=ArticleStatus.PUBLISHED,
                    visibility=Visibility.PUBLIC,
                    published_at=now,
                    created_at=now,
                    updated_at=now,
                )
                for r in chunk
            ]
            bulk_insert(Article, objs)
            texts.extend((o.pk, r) for o, r in zip(objs, chunk, strict=True))
            made += len(chunk)
        print(f"  {made} articles in {time.perf_counter() - started:.0f}s")
    _index(texts, categories, now)
    with connection.cursor() as c:
        c.execute("CREATE TABLE bench_kb_meta (params text NOT NULL)")
        c.execute(
            "INSERT INTO bench_kb_meta VALUES (%s)",
            [json.dumps({"articles": n_articles, "cases": n_cases})],
        )
        for table in ("kb_searchdocument", "kb_searchterm", "kb_posting", "kb_article"):
            c.execute(f"VACUUM ANALYZE {table}")
    print(f"  loaded in {time.perf_counter() - started:.0f}s")


def _index(texts: list[tuple[int, dict]], categories: dict, now: Any) -> None:
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic():
        raw = connection.connection
        with raw.cursor() as cur, raw.cursor(name="bench_kb_cases") as cases:
            cur.execute("SET LOCAL session_replication_role = replica")
            rebuild = _posting_indexes(cur)
            ix = Indexer(cur, first_document=1)
            docs: list[tuple] = []
            postings: list[tuple] = []
            for pk, row in texts:
                doc, rows, length = ix.document("article", [row["title"]], _sentences(row["body"]))
                category = categories[row["category"]].pk
                docs.append(
                    (doc, "article", pk, length, category, row["kind"], row["product_line"],
                     None, True, True, now, now)
                )  # fmt: skip
                postings.extend(rows)
                if len(docs) >= BATCH:
                    ix.copy_documents(docs, postings)
                    docs, postings = [], []
            ix.copy_documents(docs, postings)
            docs, postings = [], []
            print(f"  {ix.documents} article documents in {time.perf_counter() - started:.0f}s")
            cases.itersize = BATCH
            cases.execute(
                "SELECT id, number, title, search_text, created_at FROM cases_case ORDER BY id"
            )
            for pk, number, title, search_text, created in cases:
                # index_case's text: the title, then the number and the search_text.
                body = [number, *(search_text or "").split()]
                doc, rows, length = ix.document("case", [title], body)
                docs.append((doc, "case", pk, length, None, "", "", None, False, False, created,
                             now))  # fmt: skip
                postings.extend(rows)
                if len(docs) >= BATCH:
                    ix.copy_documents(docs, postings)
                    docs, postings = [], []
                    print(f"  {ix.documents} documents, {ix.postings} postings", end="\r")
            ix.copy_documents(docs, postings)
            print(f"\n  {ix.documents} documents, {ix.postings} postings, {len(ix.terms)} terms")
            ix.copy_terms()
            built = time.perf_counter()
            for statement in rebuild:
                cur.execute(statement)
            print(f"  posting indexes rebuilt in {time.perf_counter() - built:.0f}s")
            for table in ("kb_searchdocument", "kb_searchterm"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
    print(f"  indexed in {time.perf_counter() - started:.0f}s")


def loaded_params() -> dict | None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT to_regclass('bench_kb_meta') IS NOT NULL")
        if not c.fetchone()[0]:
            return None
        c.execute("SELECT params FROM bench_kb_meta")
        row = c.fetchone()
    return json.loads(row[0]) if row else None


# --- the measurement ------------------------------------------------------------------------


def run(user: Any, queries: list[str]) -> list[float]:
    from aftersales.kb.search import search

    times = []
    for q in queries:
        began = time.perf_counter()
        search(user=user, q=q, limit=10)
        times.append((time.perf_counter() - began) * 1000)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def machine() -> str:
    load = os.getloadavg()
    return (
        f"{platform.node()}: {os.cpu_count()} cores, load {load[0]:.1f}/{load[1]:.1f}/"
        f"{load[2]:.1f}, Python {platform.python_version()}"
    )


def main() -> int:
    args = _args()
    _setup(args.database_url)
    from bench.kb_eval import QUERIES, admin_user, read_jsonl
    from django.db import connection

    wanted = {"articles": args.articles, "cases": args.cases}
    if args.reload or loaded_params() != wanted:
        load(args.articles, args.cases)
    else:
        print(f"reusing the loaded data: {wanted}")
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM kb_posting")
        postings = c.fetchone()[0]
        c.execute("SELECT count(*) FROM kb_searchterm")
        terms = c.fetchone()[0]
    print(f"index: {postings} postings, {terms} terms")
    print(machine())
    user = admin_user("kbbench_admin")
    texts = [row["q"] for row in read_jsonl(QUERIES)]
    queries = [texts[i % len(texts)] for i in range(args.queries)]
    p95s = []
    for n in range(1, args.runs + 1):
        times = run(user, queries)
        p95s.append(p95(times))
        print(
            f"run {n}: {len(times)} searches  p50 {statistics.median(times):.1f} ms  "
            f"p95 {p95s[-1]:.1f} ms  max {max(times):.1f} ms"
        )
    summary = statistics.median(p95s)
    print(f"median p95 {summary:.1f} ms (target < {TARGET_P95_MS} ms)")
    return 0 if summary < TARGET_P95_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
