# A project whose every block is hostile (tests/test_security_hostile.py). The name is
# hostile too: it is shown in the assembled assessment and must be escaped there.
project = "Hostile"
jointassessment_project = "Evil <script>alert('project')</script> | `x` \u202eevil"
extensions = ["sphinx_jointassessment", "myst_parser"]
# small, so that the big bodies and files below are over it
jointassessment_max_input_bytes = 4000
exclude_patterns = ["_build"]
