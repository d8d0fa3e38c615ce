"""sphinx-jointassessment: write, check and publish a CNCF security assessment with Sphinx.

Each feature is one module with one ``setup_*`` function; this module only
wires them together, in the order their dependencies need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .assembly import setup_assembly
from .attack_risk import setup_attack_risk
from .bodies import setup_bodies
from .builder import setup_builder
from .checks import setup_checks
from .config import setup_config
from .data_flow import setup_data_flow
from .domain import setup_domain
from .finding import setup_finding
from .hands_on import setup_hands_on
from .i18n import setup_i18n
from .latex_anchors import setup_latex_anchors
from .latex_tables import setup_latex_tables
from .latex_text import setup_latex_text
from .metadata import setup_metadata
from .outline_checks import setup_outline_checks
from .placeholders import setup_placeholders
from .recommendation import setup_recommendation
from .risk_map import setup_risk_map
from .section import setup_section
from .security_issue import setup_security_issue
from .stylesheet import setup_stylesheet
from .summary import setup_summary
from .surrogates import setup_surrogates
from .team import setup_team
from .threat import setup_threat
from .threat_matrix import setup_threat_matrix
from .traceability import setup_traceability

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__version__ = "0.1.0"

#: bumped whenever what the extension stores in the environment changes shape
ENV_VERSION = 7  # 5: numbered ids, changes recorded by kind; 6: the review's objects;
# 7: bodies know whether they hold footnotes


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinx_design")
    setup_config(app)
    setup_i18n(app)
    setup_domain(app)
    setup_placeholders(app)
    setup_checks(app)
    setup_threat_matrix(app)
    setup_surrogates(app)
    setup_bodies(app)
    setup_attack_risk(app)
    setup_risk_map(app)
    setup_finding(app)
    setup_metadata(app)
    setup_hands_on(app)
    setup_security_issue(app)
    setup_data_flow(app)
    setup_threat(app)
    setup_traceability(app)
    setup_recommendation(app)
    setup_summary(app)
    setup_team(app)
    setup_section(app)
    setup_outline_checks(app)
    setup_assembly(app)
    setup_builder(app)
    setup_latex_anchors(app)
    setup_latex_tables(app)
    setup_stylesheet(app)
    setup_latex_text(app)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
