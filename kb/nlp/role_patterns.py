"""The role and organisation shapes around a person's name, as regular expressions: a role after the name
("X, Meta's chief scientist", "X, CEO of Y"), a role or organisation before it ("Y's CEO X", "CTO X"),
and the company words that end an organisation's name (data/patterns/lexicon.jsonl).
"""
from __future__ import annotations

import re

from kb.nlp.pipeline import read_patterns
from kb.text.lexicon import ORG_END


def _words(kind: str) -> list[str]:
    """The words of one kind in data/patterns/person_words.jsonl, longest first (for an alternation)."""
    return sorted({w for row in read_patterns("person_words") if row["kind"] == kind for w in row["words"]}, key=len,
                  reverse=True)


# "VP Product AI", "SVP Engineering": a title run into capitalised department words (case-sensitive)
DEPARTMENT = "|".join(re.escape(w) for w in _words("department"))
TITLE_DEPARTMENT = rf"(?-i:(?:VP|SVP|EVP)(?: (?:{DEPARTMENT})){{1,3}})(?![\w-])"

TITLES = "|".join(re.escape(w) for w in _words("title"))
ROLE = (r"(?:(?:former|current|new|interim|acting|own|founding|senior|executive|principal|distinguished|"
        r"general|deputy|global)\s+)*"
        r"(?:chief [\w ]{0,30}?(?:officer|scientist|architect|economist)|chief executive|CEO|CTO|CFO|COO|CSO|CPO|CIO|"
        rf"{TITLE_DEPARTMENT}|SVP|EVP|{TITLES}|"
        r"(?:co-?)?founder(?: and (?:CEO|CTO|COO|CFO|CPO|CSO|chief [\w ]{1,20}?(?:officer|scientist)|president))?|president|"
        r"(?:senior |executive )?(?:vice president|VP)(?: (?:of|for) [\w ]{1,40}?)?|head of [\w ]{1,30}?|"
        r"director(?: of [\w ]{1,30}?)?|chair(?:man|woman|person)?|research scientist|researcher|scientist|"
        r"professor|engineer|partner|creator of [\w.]+|lead(?:er)? (?:of|for) [\w ]{1,30}?|"
        r"(?:general|product|program|engineering|research) manager|spokes(?:person|man|woman)|analyst|"
        r"advis[eo]r|attorney general|chief of staff|secretary|governor|senator|minister|"
        r"member of (?:the )?technical staff|(?:phd|doctoral|graduate) student|(?:technical|tech|team|project) lead(?:er)?)")
ORGTEXT = r"[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,3}"
# The role's shortest reading, so that a known organisation after 'of' is the organisation ("the vice president
# of Harrow AI for Science"); only taken when what follows is an organisation the gazetteer or the NER knows.
ROLE_SHORT = ROLE.replace("[\\w ]{1,40}?)?|", "[\\w ]{1,40}?)??|")
POSS = r"(?:['\u2019]s|(?<=s)['\u2019])"  # "Meta's", "Halden Labs'"
PROJECT_ROLE = "|".join(re.escape(w) for w in _words("project_role"))
AFTER = [
    # "X, the head of Y's AI lab, said": the organisation inside the role
    re.compile(rf"^,\s+(?:the\s+)?(?P<role>(?:head|director|leader|lead|chief)\s+of\s+(?P<org>(?-i:{ORGTEXT})){POSS}\s+"
               rf"[\w -]{{1,40}}?)(?=\s*[,.;)\u2014\u2013]|\s+-\s|\s+(?:who|said|says|told)\b)", re.I),
    # "X, Y's head of developer relations, said": the role runs to the punctuation or the next clause
    re.compile(rf"^,\s+(?:the\s+)?(?P<org>{ORGTEXT}){POSS}\s+(?P<role>{ROLE})(?=\s*[,.;)\u2014\u2013]|\s+-\s|"
               rf"\s+(?:at|who|said|says|told|wrote)\b)", re.I),
    # "X, the creator of Fernwood, said"; "X (creator of TaskGrid)": what a person made names their organisation
    # (a lower-case project, "creator of llama.cpp", stays in the role)
    re.compile(rf"^(?:,\s+|\s*\(\s*)(?:the\s+|a\s+|an\s+|one of the\s+)?(?P<role>{PROJECT_ROLE})\s+of\s+"
               rf"(?P<org>(?-i:[A-Z][\w.&+-]*(?: [A-Z][\w.&+-]*){{0,2}}))(?=\s*[,.;:)]|\s+(?:and|who|has|had|is|was)\b)",
               re.I),
    re.compile(rf"^,\s+(?:the\s+)?(?P<org>{ORGTEXT}){POSS}\s+(?P<role>{ROLE})\b", re.I),
    # "X, who runs the lab as Meta's chief AI officer"; "X, who joined in May as CTO of Y"
    re.compile(rf"^,\s+who\s+(?:[\w-]+\s+){{1,8}}?as\s+(?:the\s+|a\s+|an\s+)?(?P<org>{ORGTEXT}){POSS}\s+(?P<role>{ROLE})\b",
               re.I),
    re.compile(rf"^,\s+who\s+(?:[\w-]+\s+){{1,8}}?as\s+(?:the\s+|a\s+|an\s+)?(?P<role>{ROLE})\s+(?:of|at)\s+(?P<org>{ORGTEXT})",
               re.I),
    # "X, one of the authors of the post and head of engineering for Z": a second role joined by 'and' (a known Z)
    re.compile(rf"^,\s+(?:one of|a|an|the)\s[^,;()]{{3,60}}?\s+and\s+(?:the\s+)?(?P<role>{ROLE_SHORT})\s+(?:of|at|for)\s+"
               rf"(?P<sorg>(?-i:{ORGTEXT}))", re.I),
    # "X (formerly of Y)", "X (ex-Y CEO)", "X (former Y CEO)": a past organisation in brackets (PAST marks it)
    re.compile(rf"^\s*\((?P<role>(?P<past>former))ly\s+(?:of|at|with)\s+(?P<org>(?-i:{ORGTEXT}))\)", re.I),
    re.compile(rf"^\s*\((?P<past>ex-|former\s+)(?P<org>(?-i:{ORGTEXT}))\s+(?P<role>{ROLE})\)", re.I),
    # "X (chief scientist at Y)"
    re.compile(rf"^\s*\((?:the\s+)?(?P<role>{ROLE})\s+(?:of|at)\s+(?P<org>{ORGTEXT})\)", re.I),
    # "X, CEO and co-founder of Y": two roles joined by 'and' before the organisation
    re.compile(rf"^,\s+(?:the\s+|a\s+|an\s+)?(?P<role>{ROLE_SHORT}(?:\s+and\s+(?:a\s+|the\s+)?{ROLE_SHORT})?)\s+"
               rf"(?:of|at|for|to)\s+(?P<sorg>(?-i:{ORGTEXT}))", re.I),
    re.compile(rf"^,\s+(?:the\s+|a\s+|an\s+)?(?P<role>{ROLE}(?:\s+and\s+(?:a\s+|the\s+)?{ROLE})?)\s+(?:of|at|for|to)\s+"
               rf"(?P<org>(?-i:{ORGTEXT}))", re.I),
    # "X, a machine learning engineer at Y", "X, a research lead at Y": lower-case words before the role word
    re.compile(rf"^,\s+(?:a|an|the)\s+(?P<role>(?:(?!(?:who|which|that|and|or|but|is|was|has|had|former)\b)"
               rf"(?-i:[a-z][\w-]*)\s+){{1,3}}?(?:{ROLE}|lead))\s+(?:at|of)\s+(?P<org>(?-i:{ORGTEXT}))", re.I),
    # "X, the White House chief of staff": a capitalised organisation before a role word
    re.compile(rf"^,\s+(?:the\s+)?(?P<org>(?!(?i:{ROLE})\b){ORGTEXT})\s+(?P<role>(?i:{ROLE}))\b"),
    re.compile(rf"^,\s+(?:the\s+)?(?P<role>{ROLE}),\s+(?P<org>{ORGTEXT})", re.I),
    # "X, a co-founder, said"; not "X, CTO Ana Silva and ...", where the title is the next name's
    re.compile(rf"^,\s+(?:the\s+|a\s+|an\s+)?(?P<role>{ROLE})\b(?!\s+(?-i:(?:Dr\.?\s+)?[A-Z][a-z]+\s+[A-Z][a-z]+))", re.I),
    re.compile(rf"^(?:,\s+\d+,)?,?\s+(?:who\s+)?(?:is|was|has been)\s+(?:the\s+|a\s+|an\s+)?(?P<role>{ROLE})\s+(?:of|at)\s+(?P<org>{ORGTEXT})", re.I),
    re.compile(rf"^\s+(?:joined|joins|co-founded|founded|runs|leads|left)\s+(?P<org>{ORGTEXT})(?P<role>)"),
    # "X, who has decided to leave Z", "X, who is joining Z next month", "X, who co-founded Z in 2021"
    re.compile(rf"^,\s+(?:(?:a|an|the)\s+[^,;]{{0,60}}?\s+)?who\s+(?:(?:has|had|is|was|will|now)\s+)?"
               rf"(?:(?:decided|chosen|set|planning|about)\s+to\s+)?"
               rf"(?:leave|leaving|left|join|joining|joined|rejoin(?:s|ed|ing)?|co-?founded|founded|started|"
               rf"runs|leads|heads)\s+(?P<org>{ORGTEXT})(?P<role>)(?![\w.&-]|\s+(?:at|for|in)\s+[A-Z])"),
    # "X, a Tidewater AI spokesperson", "X, the Z researcher who built ..."
    re.compile(rf"^,\s+(?:a|an|the)\s+(?P<org>{ORGTEXT})\s+(?P<role>(?:senior\s+|principal\s+|staff\s+|lead\s+)?"
               rf"(?:spokes(?:person|man|woman)|researcher|engineer|scientist|executive|analyst|representative|"
               rf"(?:co-?)?founder|"
               rf"product manager|economist))\b"),
    # "X (Tidewater AI) said": a bracketed organisation; not a link's source closing a line ("X (Arxiv)")
    re.compile(rf"^\s*\((?!(?:{ROLE})\))(?P<org>{ORGTEXT})\)(?!\s*(?:$|\n|[.;:]))(?P<role>)"),
    # "X will lead our model research team": 'our' is the publishing organisation
    re.compile(r"^,?\s+(?:who\s+)?(?:(?:will|has|had|is|now)\s+)?(?P<role>(?:lead|leads|led|leading|run|runs|head|heads|"
               r"oversee|oversees|join|joins|joined|joining)\s+(?P<org>our)\s+(?:[\w-]+\s+){0,5}?(?:team|group|"
               r"organi[sz]ation|lab|division|unit|business))\b"),
    # "X to lead Veltra's new robotics unit", "asked X to lead a new organization that ..."
    re.compile(rf"^,?\s+(?:who\s+)?(?:(?:will|is|now|to)\s+)(?P<role>(?:lead|run|head|oversee)\s+(?:(?P<org>{ORGTEXT}){POSS}\s+|"
               rf"an?\s+|the\s+)(?:new\s+)?(?:[\w-]+\s+){{0,4}}?(?:team|group|organi[sz]ation|lab|division|unit|business))\b"),
    # "X, who led Quillfeather's speech team", "X, who runs Harrow AI's cloud unit"
    re.compile(rf"^,?\s+(?:who\s+)?(?:(?:has|had)\s+)?(?P<role>(?:led|leads|runs|ran|heads|headed|oversees|oversaw|"
               rf"manages|managed)\s+(?P<org>{ORGTEXT}){POSS}\s+(?:[\w-]+\s+){{0,5}}?[\w-]+)(?=\s*[,.;)]|\s+(?:and|at|in|for)\b)"),
    # "X led the creation of the assistant at Z", "X, who runs the inference team at Z"
    re.compile(rf"^,?\s+(?:who\s+)?(?:(?:has|had)\s+)?(?P<role>(?:led|leads|runs|ran|heads|headed|oversees|oversaw|"
               rf"manages|managed)\s+(?:the\s+|a\s+|an\s+|its\s+)?(?:[\w-]+\s+){{0,6}}?[\w-]+\s+at\s+(?P<org>{ORGTEXT}))"),
]
# Shapes whose organisation group is SORG name it without a role word, so the name must be an organisation the
# gazetteer or the NER knows: "Dylan Okafor from Harrow AI", "Ines Duarte's Quillfeather", "Harrow AI's Dylan Okafor".
KNOWN_ORG_AFTER = [
    # "X - Co-founder, Harrow AI" / "X - CTO Harrow AI (@handle)": a guest or caption line after a dash
    re.compile(rf"^,\s+(?P<role>{ROLE})\s+(?:(?:of|at)\s+)?(?P<sorg>{ORGTEXT})\s*(?:[(,|]|$)", re.I),
    # "Priya Raman of Harrow AI said", "Priya Raman at Harrow AI told"
    re.compile(rf"^\s+(?:of|at)\s+(?:the\s+)?(?P<sorg>{ORGTEXT})(?P<role>)(?=\s*[,;.]|\s+(?:said|says|told|wrote|added|"
               rf"explained|argued|noted|believes|thinks)\b)"),
    re.compile(r"^\s+from\s+(?:the\s+)?(?P<sorg>[\w][\w.&-]*(?: [A-Z][\w.&-]*){0,3})(?P<role>)"),
    re.compile(rf"^{POSS}\s+(?P<sorg>{ORGTEXT})(?P<role>)"),
    # "X (who builds Quillpad)": what a person builds or runs names their organisation
    re.compile(rf"^\s*\(\s*who\s+(?:builds|built|created|creates|runs|leads|founded|co-founded)\s+"
               rf"(?P<sorg>{ORGTEXT})\)(?P<role>)"),
]
KNOWN_ORG_BEFORE = [re.compile(rf"(?<![\w.&-])(?P<sorg>{ORGTEXT}){POSS}\s+$")]
BEFORE = [
    # "Harrow AI's own chief scientist", "Quillfeather's amazing product manager": up to two adjectives between
    re.compile(rf"(?P<org>{ORGTEXT}|\d{{2,4}}){POSS}\s+(?:[a-z][\w-]*\s+){{0,2}}?(?P<role>{ROLE}),?\s+$", re.I),
    # "Harrow AI CTO X", "Florida Attorney General X": a capitalised title after the organisation
    # ("Former Quillpad engineer X": PAST marks a former role)
    re.compile(rf"(?:(?<![\w-])(?P<past>(?i:former|ex-)\s*))?(?P<org>(?!(?i:{ROLE})\b){ORGTEXT})\s+(?P<role>(?i:{ROLE}))"
               rf"\s+(?:Dr\.?\s+)?$"),
    re.compile(rf"(?P<role>{ROLE})\s+(?:of|at)\s+(?P<org>(?-i:{ORGTEXT})),?\s+$", re.I),
    # a title before the name without an organisation: "technical leader X writes", "fellow researcher X"
    # (not a role that runs into a preposition: "head of engineering for Quillpad Cloud" names no person)
    re.compile(rf"(?:^|(?<=[\s,(]))(?:(?:fellow|veteran|longtime)\s+)?(?P<role>{ROLE})(?<!\sfor)(?<!\sof)(?<!\sat)"
               rf"(?<!\sto)(?<!\sand)(?<!\sin)\s+$", re.I),
    re.compile(r"(?:^|[\s,(])(?P<role>CEO|CTO|CFO|COO|President|Professor|Chief [\w ]{1,30}?Officer)\s+(?:Dr\.?\s+)?$"),
]


COMPANY_WORDS = re.compile(r"^(?:(?:the\s+)?(?:company|firm|startup|lab|group|organi[sz]ation)|our)$", re.I)
ORG_LIKE_END = re.compile(rf"\b(?:{ORG_END})\.?$")  # a company word ends it (data/patterns/lexicon.jsonl)
