"""What reads as a headline, what reads as "read more", and the headline a "read more" link stands for.

Link texts are judged in the languages the follower meets: "Read more", "Lire la suite",
"Leer más", "Weiterlesen", "Leggi tutto", "Leia mais", "Подробнее", "اقرأ المزيد",
"阅读全文" and their kin are not titles, nor are pagers ("Next", "Suivant", "التالي",
"下一页"), though a title may start with the same word ("First female team certified").
Words are counted so that Chinese, Japanese and Korean titles, written without
spaces, count too (two characters for a word).

Where a listing writes its headline as plain text and links only "read more" (or an empty
link laid over a card, or an image), :func:`headline_for` finds the headline that link
stands for: the nearest heading or title-classed element before it, inside the same item.
"""

from __future__ import annotations

import re
from functools import lru_cache

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
TITLE_CLASS = re.compile(r"title|headline|heading", re.I)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")

# Phrases that say "more of this item", in the languages above; a short tail may follow ("Read more ›",
# "Lire la suite »", "Leia mais sobre ..." stays a title when its tail is long).
_READ_MORE_PHRASES = (
    r"read|learn|see|view|find out|continue|keep reading|full (?:story|text|article)|lire|en savoir|voir|"
    r"d[ée]couvrir|leer|ver|seguir|continuar|m[áa]s informaci[óo]n|ler|leia|saiba|continue|weiterlesen|"
    r"mehr (?:lesen|erfahren)|zum (?:artikel|beitrag)|leggi|continua|approfondisci|scopri|подробнее|читать|"
    r"узнать|اقرأ|قراءة|للمزيد|لمزيد")
_READ_MORE_WORDS = r"more|details?|plus|suite|mehr|dettagli|далее|ещё|еще|больше|المزيد|التفاصيل|تفاصيل"
_READ_MORE_CJK = r"阅读|閱讀|更多|详细|詳細|详情|詳情|查看|全文|了解|点击|點擊|続き|詳しく|더 ?보기|자세히"
READ_MORE = re.compile(
    r"^[\W_]*(?:" + _READ_MORE_PHRASES + r")\b.{0,25}$|^[\W_]*(?:" + _READ_MORE_WORDS + r")\b.{0,12}$|"
    r"^[\W_]*(?:" + _READ_MORE_CJK + r").{0,8}$", re.I | re.S)
_PAGER_WORDS = (r"next|previous|prev|older|newer|load more|first|last|suivante?|pr[ée]c[ée]dente?|siguiente|anterior|"
                r"weiter|zur[üu]ck|avanti|indietro|pr[óo]xima|seguinte|следующая|предыдущая|назад|вперёд|вперед|"
                r"التالي|السابق|الأخير|الأول")
_PAGER_NOUNS = r"page|pages|posts|entries|news|articles|items|results|seite|pagina|página|страница|الصفحة"
# A pager says little else: "Next page »", "Older posts", "Page suivante →", "« First" (not "First mine-free
# district declared", nor "Next steps agreed").
PAGER = re.compile(
    r"^[\W\d_]*(?:(?:" + _PAGER_NOUNS + r")\s+)?(?:" + _PAGER_WORDS + r")(?:\s+(?:" + _PAGER_NOUNS + r"))?[\W\d_]*$|"
    r"^[\W_]*(?:下一页|上一页|首页|尾页|末页)[\W\d_]*$|^[\W\d_]*$", re.I)


@lru_cache(maxsize=8192)
def headline_words(text: str) -> int:
    """Words in ``text``, a Chinese, Japanese or Korean character counting for half a word."""
    return len(text.split()) + len(_CJK.findall(text)) // 2


def reads_as_headline(text: str) -> bool:
    """True for text that can be a news title: two words or more, neither too short nor too long."""
    weight = len(text) + len(_CJK.findall(text))
    return 8 <= weight and len(text) <= 300 and headline_words(text) >= 2 and not READ_MORE.match(text) \
        and not PAGER.match(text)


def is_read_more(text: str) -> bool:
    """True for "read more" link texts (and empty ones: an image or a link laid over a card)."""
    return not text or bool(READ_MORE.match(text)) and not PAGER.match(text)


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _is_headline_element(element) -> bool:
    return isinstance(element.tag, str) and (element.tag in HEADINGS or bool(
        TITLE_CLASS.search((element.get("class") or "")[:200])))


def headline_for(anchor, holds_titled_link, levels: int = 4):
    """The unlinked headline element a "read more" ``anchor`` stands for, or None.

    Climbs at most ``levels`` ancestors. Stops (None) where ``holds_titled_link(ancestor)``: the
    ancestor holds a titled link to the same story, so the item has its linked title already. At
    the first ancestor that holds headline elements before the anchor, the nearest one is the answer.
    """
    for level, ancestor in enumerate(anchor.iterancestors()):
        if level >= levels or ancestor.tag in ("body", "html"):
            return None
        if holds_titled_link(ancestor):
            return None
        found = None
        for element in ancestor.iter():
            if element is anchor:
                break
            if _is_headline_element(element) and next(element.iter("a"), None) is None \
                    and reads_as_headline(_text(element)):
                found = element
        if found is not None:
            return found
    return None
