from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "aftersales.kb"
    label = "kb"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from aftersales.core.subjects import register_subject
        from aftersales.kb.models import Article, ArticleEventKind

        register_subject(Article, "article", kinds=ArticleEventKind.choices)
        self._register_articles()
        self._register_search()

    def _register_search(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from aftersales.cases import search as case_search
        from aftersales.kb import index, similar, text
        from aftersales.kb.models import DictionaryWord, SynonymSet

        # kb's index follows every case write; cases offers the hook, never imports kb.
        case_search.register_index_listener(index.index_case)
        similar.register()
        # A new dictionary word or synonym is seen by the next query and the next write.
        for model in (SynonymSet, DictionaryWord):
            for signal in (post_save, post_delete):
                signal.connect(
                    text.bump_version,
                    sender=model,
                    dispatch_uid=f"kb-lexicon-{model.__name__}-{id(signal)}",
                )

    def _register_articles(self) -> None:
        from aftersales.notify.notices import register_notice_link
        from aftersales.registry.demo import register_section

        register_notice_link("article", "kb:article_detail")
        register_section("knowledge base", "aftersales.kb.demo.load")
