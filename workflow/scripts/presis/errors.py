"""The one exception type for mistakes a user can fix."""


class InputError(Exception):
    """A problem in the user's input: names the file, row or key, and the fix.

    ``problems`` lists every problem found, so a user can fix them all at once.
    """

    def __init__(self, problems: list[str] | str, source: str | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        n = len(self.problems)
        lines = [f"{head}{n} problem{'s' if n != 1 else ''} found:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))
