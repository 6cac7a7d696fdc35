"""Chinese interview analysis for the 1+X study.

corpus/ (transcripts, userdict, coding frame) -> read -> redact -> segment -> describe,
code, topics. Modules:

- :mod:`.io`: :func:`read_transcripts` (.txt/.md/.docx), :func:`interviewee_turns`
- :mod:`.normalize`: :func:`normalize` (NFKC, line breaks, 1+X spellings)
- :mod:`.redact`: :func:`redact`, :class:`Redactor`, :func:`redact_frame`, :func:`write_mapping`,
  :func:`load_roster`, :func:`load_schools` (roster.csv, schools.txt)
- :mod:`.pii`: the redactor's detectors (names, institutions, numbers) without a roster
- :mod:`.segment`: :class:`Segmenter` (private jieba tokenizer, parallel ``cut_many`` + cache)
- :mod:`.lexicon`, :mod:`.terms`: the vocational-education lexicon, :func:`discover_terms`
- :mod:`.assist`, :mod:`.agreement`: coding sheets (.xlsx), :class:`CodeSuggester`, kappa and alpha
- :mod:`.describe`: frequencies, TF-IDF/TextRank keywords, co-occurrence network, word cloud
- :mod:`.coding`: :func:`load_frame`, :func:`code`, code x role matrix, exemplars, kappa
- :mod:`.topics`, :mod:`.topic_views`: :func:`fit_topics`, :func:`select_k`, prevalence,
  intertopic map, :func:`topics_to_codes`, :func:`topic_recovery`
"""

from . import coding, describe, errors, io, normalize as _normalize_mod, redact as _redact_mod  # noqa: F401
from . import segment, topic_views, topics  # noqa: F401
from . import agreement, assist, lexicon, pii, terms  # noqa: F401
from .agreement import *  # noqa: F401,F403
from .assist import *  # noqa: F401,F403
from .coding import *  # noqa: F401,F403
from .describe import *  # noqa: F401,F403
from .errors import *  # noqa: F401,F403
from .io import *  # noqa: F401,F403
from .lexicon import *  # noqa: F401,F403
from .normalize import *  # noqa: F401,F403
from .redact import *  # noqa: F401,F403
from .segment import *  # noqa: F401,F403
from .topic_views import *  # noqa: F401,F403
from .terms import *  # noqa: F401,F403
from .topics import *  # noqa: F401,F403

__all__ = sorted(set(coding.__all__ + describe.__all__ + errors.__all__ + io.__all__
                     + _normalize_mod.__all__ + _redact_mod.__all__ + segment.__all__
                     + topic_views.__all__ + topics.__all__ + lexicon.__all__ + terms.__all__
                     + agreement.__all__ + assist.__all__))
