"""``flask lms --help`` and each command's help speak Spanish."""

from lms.cli import lms_group
from lms.cli_help import HELP


def test_every_command_has_spanish_help(runner):
    assert set(lms_group.commands) <= set(HELP), set(lms_group.commands) - set(HELP)
    listing = runner.invoke(args=["lms", "--help"])
    assert listing.exit_code == 0
    assert "Muestra esta ayuda y termina." in listing.output
    for name in lms_group.commands:
        own = runner.invoke(args=["lms", name, "--help"])
        assert own.exit_code == 0 and HELP[name] in " ".join(own.output.split()), name
        assert "Show this message" not in own.output
