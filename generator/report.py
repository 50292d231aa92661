"""How `check` prints what it found: compiler-style lines, or GitHub Actions annotations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator.problems import Problem

Severity = Literal["error", "warning"]
Style = Literal["text", "github"]
STYLES: tuple[Style, ...] = ("text", "github")


@dataclass(frozen=True)
class Finding:
    """A problem, and whether it stops the build (an error) or only asks for care (a warning)."""

    problem: Problem
    severity: Severity


def format_finding(finding: Finding, style: Style) -> str:
    """One line for `finding`; errors in the text style read exactly as the loader's problems."""
    problem = finding.problem
    if style == "github":
        return github_annotation(finding)
    if finding.severity == "error":
        return str(problem)
    where = f" {problem.where}:" if problem.where else ""
    position = problem.position
    return f"{problem.file}:{position.line}:{position.column}: warning:{where} {problem.message}"


def github_annotation(finding: Finding) -> str:
    """A workflow command that GitHub shows on the line of the pull request's diff."""
    problem = finding.problem
    properties = {
        "file": problem.file,
        "line": str(problem.position.line),
        "col": str(problem.position.column),
        "title": problem.where or problem.file,
    }
    joined = ",".join(f"{name}={escape_property(value)}" for name, value in properties.items())
    return f"::{finding.severity} {joined}::{escape_data(problem.message)}"


def escape_data(text: str) -> str:
    """Escape a workflow command's message, as GitHub's runner reads it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value: a message's escapes, and ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
