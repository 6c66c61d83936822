"""Every MLC code there is, defined once: its class, severity, exit code, meaning
and fix. Raise sites name a code by its constant here (``codes.MLC101``), never
by a string of their own; the README's code tables are generated from this
module (``markdown_table``), and a test keeps them equal.

The hundreds digit says the class:

- ``MLC0nn`` input errors: the input could not be read or is invalid, nothing
  was evaluated or written; exit 2. (MLC009 is the note that counts a file's
  unlisted input errors.)
- ``MLC1nn`` `check`'s findings: ``MLC101``-``MLC149`` errors (exit 1),
  ``MLC150``-``MLC199`` warnings and notes (they never fail).
- ``MLC2nn`` refusals: the input is valid but the command will not do it as
  things stand; nothing written; exit 1.
- ``MLC3nn`` warnings of commands other than `check`: printed, exit code
  unchanged.

Codes are stable: a code that had to move keeps its old number in ``formerly``
(the README lists it), and a retired number is never reused.

Imported by every command (``check`` included) on every run: plain Python,
no dependency beyond the standard library.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["input", "finding", "refusal", "warning"]
Severity = Literal["error", "warning", "note"]

# Limits the meanings below state; the code that enforces them reads them here.
MAX_PROBLEMS_PER_FILE = 100  # errors.capped: listed per file before MLC009 counts the rest
EXPIRY_WARNING_DAYS = 14  # MLC151: a waiver that expires within this many days
RECUR_GRACE_DAYS = 14  # MLC160 then MLC140: a recurring gate due again this long fails


class Code:
    """One code. A plain class, not a dataclass: this module is imported on every
    run, and building a dataclass costs more than everything else here."""

    __slots__ = ("exit", "fix", "formerly", "id", "kind", "meaning", "severity")

    def __init__(self, id: str, kind: Kind, severity: Severity, exit: int,  # noqa: A002
                 meaning: str, fix: str, formerly: str = "") -> None:
        self.id = id  # "MLC101"
        self.kind = kind
        self.severity = severity
        self.exit = exit  # the exit code this code leads to; 0: it never fails a command
        self.meaning = meaning
        self.fix = fix
        self.formerly = formerly  # the number it had before it moved to its class's range

    def __repr__(self) -> str:
        return f"Code({self.id!r}, {self.kind!r}, {self.severity!r}, exit={self.exit})"


CODES: dict[str, Code] = {}

# The range each class (and severity) lives in, for the registry's own test.
RANGES: dict[tuple[Kind, Severity], range] = {
    ("input", "error"): range(1, 100),
    ("input", "note"): range(1, 100),
    ("finding", "error"): range(101, 150),
    ("finding", "warning"): range(150, 200),
    ("finding", "note"): range(150, 200),
    ("refusal", "error"): range(201, 300),
    ("warning", "warning"): range(301, 400),
    ("warning", "note"): range(301, 400),
}
_EXIT: dict[tuple[Kind, Severity], int] = {
    ("input", "error"): 2, ("input", "note"): 2, ("finding", "error"): 1,
    ("finding", "warning"): 0, ("finding", "note"): 0, ("refusal", "error"): 1,
    ("warning", "warning"): 0, ("warning", "note"): 0,
}


def _code(code: str, kind: Kind, meaning: str, fix: str, *, severity: Severity = "error",
          formerly: str = "") -> str:
    CODES[code] = Code(code, kind, severity, _EXIT[kind, severity], meaning, fix, formerly)
    return code


# --- MLC0nn: input errors (exit 2) --------------------------------------------

MLC001 = _code(
    "MLC001", "input",
    "a file or directory cannot be read (missing, not a regular file, too large) or written "
    "(disk full, a file-size limit, no permission)",
    "create the file, fix its permissions or free the space; the message names the path")
MLC002 = _code("MLC002", "input", "a file is not valid UTF-8",
               "save the file as UTF-8")
MLC003 = _code("MLC003", "input", "YAML syntax error",
               "fix the YAML at the line and column given")
MLC004 = _code("MLC004", "input", "duplicate mapping key",
               "keep one of the two keys")
MLC005 = _code(
    "MLC005", "input",
    "forbidden YAML feature: an alias, a tag other than a core one on its own kind of value, "
    "or nesting too deep",
    "write the value out in full, without the alias or tag")
MLC006 = _code("MLC006", "input",
               "wrong document shape: empty file, several documents, or not a mapping",
               "make the file one YAML mapping")
MLC009 = _code(
    "MLC009", "input",
    f"more than {MAX_PROBLEMS_PER_FILE} problems in one file: the rest are counted on one "
    "line, not listed",
    "fix the problems listed and run again to see the rest", severity="note")
MLC010 = _code("MLC010", "input", "unknown key",
               "fix the key's spelling (the message suggests one) or remove it")
MLC011 = _code("MLC011", "input", "missing required key",
               "add the key")
MLC012 = _code("MLC012", "input", "wrong value or type",
               "write a value of the kind the message names")
MLC013 = _code("MLC013", "input", "invalid date",
               "write a calendar date YYYY-MM-DD")
MLC020 = _code(
    "MLC020", "input",
    "duplicate id (an item, role or document declared twice, or a dependency listed twice)",
    "rename or remove one of the two")
MLC021 = _code("MLC021", "input", "RACI rule broken: no responsible role",
               "list at least one role under `responsible`")
MLC022 = _code("MLC022", "input", "unknown role",
               "use a role the playbook declares (the message suggests one)")
MLC023 = _code("MLC023", "input", "unknown item in depends_on",
               "name an item id of the playbook")
MLC024 = _code(
    "MLC024", "input",
    "dependency cycle (one line per group of items that depend on each other, naming a "
    "shortest cycle)",
    "remove one dependency of the cycle named")
MLC025 = _code(
    "MLC025", "input",
    "phase files do not match the playbook (unknown, missing, misnamed or duplicated phase)",
    "name each status file `NN-<phase>.yaml` after the playbook's phases (`mlcycle upgrade` "
    "writes them)")
MLC026 = _code("MLC026", "input", "team entry is not a non-empty person name",
               "write each person's name as text")
MLC027 = _code("MLC027", "input",
               "unknown phase or item named on the command line or in mlcycle.yaml",
               "use an id the playbook defines (the message suggests one)")
MLC028 = _code("MLC028", "input", "no mlcycle project here (mlcycle.yaml not found)",
               "run the command in the project, pass its directory, or run `mlcycle init`")
MLC029 = _code("MLC029", "input",
               "evidence path leaves the project (absolute, '..' or a symlink outside)",
               "commit the evidence inside the project and cite its relative path")
MLC030 = _code("MLC030", "input",
               "playbook cannot be used (not found, undeclared doc, missing or broken template)",
               "fix the playbook at the place named, or choose another with --playbook")
MLC031 = _code(
    "MLC031", "input",
    "invalid command line: an unknown, missing or misused command, option or argument, or an "
    "invalid value",
    "see `mlcycle COMMAND --help`")
MLC032 = _code("MLC032", "input",
               "a rendered path would leave the project or write through a symlink",
               "remove the symlink, or fix the playbook's path")
MLC034 = _code(
    "MLC034", "input",
    "a file to edit holds line breaks other than LF or CRLF, or an explicit key ('? key') "
    "where the edit goes",
    "use LF or CRLF line breaks, and write `key: value` on one line")
MLC035 = _code(
    "MLC035", "input",
    "--output would overwrite a file a project reads (mlcycle.yaml, a status file, the "
    "journal, .mlcycle/, its playbook, evidence or a metrics file; also through a symlink or a "
    "hard link)",
    "choose another --output path")
MLC037 = _code(
    "MLC037", "input",
    "init: the directory already holds an mlcycle project (mlcycle.yaml); nothing written, "
    "whatever --force says",
    "run `mlcycle render` (LIFECYCLE.md), `mlcycle upgrade` (a new playbook version), or "
    "`mlcycle init` in another directory")
MLC040 = _code("MLC040", "input",
               "an item definition in a status file differs from the pinned playbook",
               "if you edited the status file, undo the edit; if you changed the playbook, give "
               "it a new version and run `mlcycle upgrade` (definitions reach the project "
               "through it)")
MLC041 = _code("MLC041", "input",
               "an item of the pinned playbook is missing from its status file",
               "restore the item (`mlcycle upgrade` writes it)")
MLC042 = _code("MLC042", "input",
               "a status file holds an item that its phase of the pinned playbook does not "
               "define",
               "remove the item, or add it to the playbook and run `mlcycle upgrade`")
MLC043 = _code(
    "MLC043", "input",
    "the pinned playbook version cannot be verified (unknown built-in version, or the team's "
    "playbook directory is at another version)",
    "pin the version the playbook has (`mlcycle upgrade`)")
MLC044 = _code(
    "MLC044", "input",
    "current_phase and history disagree (a skipped phase, a reopen without reason, dates going "
    "backwards, a phase set by hand), or, under check --base, the change rewrites an entry "
    "of the base's history (it is append-only)",
    "move phases with `mlcycle advance` and `mlcycle reopen`, never by hand")
MLC045 = _code(
    "MLC045", "input",
    "the playbook's checks refer to the project's primary metric, but mlcycle.yaml declares "
    "none (`metrics: {primary: {name, direction, floor}}`)",
    "declare it: `mlcycle metric set 'NAME>=FLOOR'` (or 'NAME<=FLOOR' when lower is better)")
MLC046 = _code(
    "MLC046", "input",
    "the primary metric in mlcycle.yaml differs from the last `metric` history entry (set by "
    "hand)",
    "change the primary metric with `mlcycle metric set`, which records it in the history")
MLC047 = _code(
    "MLC047", "input",
    "`evidence.urls` in mlcycle.yaml differs from the hosts the history's evidence entries "
    "added and removed (a host listed, or the list written, by hand)",
    "change the list with `mlcycle hosts add|remove HOST --by PERSON`, which records each "
    "host in the history")
MLC048 = _code(
    "MLC048", "input",
    "`evidence: {urls: [...]}` in mlcycle.yaml lists something that is not a host name "
    "(a scheme, a path, a port, a user, a wildcard, upper case, or a host listed twice), or "
    "`mlcycle hosts` was given one",
    "write bare lower-case host names (github.com, mlflow.example.com); change them with "
    "`mlcycle hosts add|remove HOST`")
MLC049 = _code(
    "MLC049", "input",
    "the profile in mlcycle.yaml differs from the last profile the history records (set by "
    "hand)",
    "change the profile with `mlcycle profile set PROFILE --reason TEXT --by PERSON`, which "
    "records it in the history")
MLC050 = _code("MLC050", "input",
               "a playbook item's `replaces` names an id the playbook still has, or one "
               "replaced twice",
               "fix `replaces` in the playbook")
MLC051 = _code("MLC051", "input",
               "upgrade refused: it would remove an item or phase that has state (pass --drop)",
               "pass --drop ITEM for each item whose state may go")
MLC052 = _code("MLC052", "input",
               "upgrade refused: the new playbook has no phase the project is in",
               "reopen or advance to a phase the new playbook keeps, then upgrade")
MLC053 = _code("MLC053", "input",
               "upgrade: invalid --to or --drop (not the shipped version, nothing to drop)",
               "see `mlcycle upgrade --help`")
MLC054 = _code("MLC054", "input",
               "upgrade: a status file's layout keeps an item's state from being kept byte "
               "for byte (flow style)",
               "write the item in block style, then upgrade")
MLC055 = _code("MLC055", "input",
               "playbooks fork: the destination exists, or an invalid --name / --version",
               "choose a new destination, or a valid --name / --version")
MLC056 = _code(
    "MLC056", "input",
    "upgrade refused: the team playbook adds or changes a metric or parity check without a new "
    "major version (the version policy built-in playbooks follow: a check can fail a project "
    "that passed)",
    "give the playbook a new major version in its playbook.yaml, then run `mlcycle upgrade`")
MLC060 = _code("MLC060", "input", "portfolio: a path to search is not a directory",
               "pass directories")
MLC061 = _code("MLC061", "input", "portfolio: no mlcycle project under the paths searched",
               "pass a directory that holds projects")
MLC062 = _code("MLC062", "input", "--base: not inside a git repository (or git cannot be run)",
               "run inside a git clone, with git installed")
MLC063 = _code("MLC063", "input", "--base: the ref is not a known git revision",
               "fetch the ref, or fix its name")
MLC064 = _code(
    "MLC064", "input",
    "--base: no merge base with HEAD (a shallow clone: fetch-depth: 0; or unrelated histories)",
    "fetch the full history (actions/checkout: fetch-depth: 0)")
MLC070 = _code("MLC070", "input",
               "the project has no ML Test Score: no item has a `section` (`score`, "
               "`check --min-score`)",
               "add the ML Test Score to the project (`mlcycle overlay add ml-test-score`), "
               "use a playbook whose items carry a `section`, or drop --min-score")
MLC071 = _code("MLC071", "input",
               "overlay: unknown, not attachable, or its attachment (`gate_at`) names no phase "
               "of the project; or its status file is missing or misnamed",
               "attach every overlay phase to a phase of the lifecycle (`mlcycle overlay add "
               "NAME --gate-at OVERLAY_PHASE=PHASE`)")
MLC072 = _code("MLC072", "input",
               "overlay pinned, removed or moved by hand: `overlays:` disagrees with the "
               "history's overlay-add / -remove / -upgrade entries (an attachment included)",
               "add and remove overlays with `mlcycle overlay add` / `mlcycle overlay remove`, "
               "move an attachment with `mlcycle overlay upgrade NAME --gate-at "
               "OVERLAY_PHASE=PHASE` (they record the change in the history)")
MLC080 = _code("MLC080", "input",
               "metrics pull: the tracker's client is not installed (pip install "
               "\"mlcycle-cli[mlflow]\")",
               "pip install \"mlcycle-cli[mlflow]\"")
MLC081 = _code("MLC081", "input",
               "metrics pull: the tracker cannot be reached or read (down, a wrong URI, no "
               "credentials, a local store that does not exist)",
               "check --tracking-uri (or MLFLOW_TRACKING_URI) and the credentials")
MLC082 = _code("MLC082", "input",
               "metrics pull: no such run, registered model, alias or version (or a model "
               "version registered without a run)",
               "check the run id or the model name, alias and version in the tracker")
MLC083 = _code("MLC083", "input",
               "metrics pull: the run has no metrics (or logs one named _source)",
               "log the evaluation's metrics to the run, then pull again")
MLC084 = _code("MLC084", "input",
               "metrics pull: --to is not a .json file inside the project, or it holds a file "
               "that metrics pull did not write",
               "choose a .json path inside the project that metrics pull owns")
MLC090 = _code(
    "MLC090", "input",
    "the journal of a change an interrupted mlcycle left half done cannot be read, was not "
    "written by mlcycle, is not a small regular file, or is committed to git "
    "(.mlcycle-journal)",
    "remove `.mlcycle-journal` from git, or move it away after checking the files it names")

# --- MLC1nn: check's findings -------------------------------------------------

MLC101 = _code("MLC101", "finding",
               "a gate that must be closed is open (todo, doing or blocked)",
               "finish it (`done`, with evidence if required) or waive it with a reason, an "
               "approver and an expiry date")
MLC102 = _code("MLC102", "finding",
               "an item is done but lists no evidence although it requires some",
               "add a repo-relative path or an http(s) URL to its `evidence`")
MLC103 = _code("MLC103", "finding",
               "an evidence path does not exist, holds nothing (an empty or whitespace-only "
               "file, a Jupyter notebook without cells or with only empty cells, a Markdown "
               "file with nothing but headings, blank lines and HTML comments), or is a "
               "directory without such a file",
               "commit the document with its content (or fix the path); a directory needs at "
               "least one file that holds something")
MLC104 = _code("MLC104", "finding",
               "an evidence document is still a stub (it carries `<!-- mlcycle:stub -->`)",
               "fill the document in (answer every TODO prompt) and delete the marker line")
MLC105 = _code("MLC105", "finding",
               "a waiver has expired (it is valid through its `expires` date)",
               "renew the waiver with a new date and approver, or close the item")
MLC106 = _code("MLC106", "finding", "an item is `waived` but has no waiver",
               "add `waiver: {reason, approved_by, expires}` or change the status")
MLC107 = _code("MLC107", "finding",
               "an item is done while an item it depends on is not closed",
               "close the dependency first, or reopen this item")
MLC108 = _code("MLC108", "finding", "an item's owner is not on the team in mlcycle.yaml",
               "fix the name, or add the person to a role under `team`")
MLC109 = _code(
    "MLC109", "finding",
    "an evidence path is one of mlcycle's own files (a status file, `mlcycle.yaml`, "
    "`LIFECYCLE.md`, `.mlcycle/`, the workflow init rendered, the team playbook, git's `.git/`; "
    "also through a symlink or a hard link) or a directory holding nothing else",
    "cite the team's own work: a document, a report, a notebook, a test")
MLC110 = _code(
    "MLC110", "finding",
    "a waiver is approved by someone who does not hold the item's accountable role on the team",
    "have a person listed under the accountable role in `team` approve it (the A in RACI "
    "answers for the item, so only they may excuse it)")
MLC111 = _code(
    "MLC111", "finding", "an open item is owned by a former member of the team",
    "give it to someone on the team (`mlcycle set ITEM --owner PERSON`, or `mlcycle team "
    "remove ROLE PERSON --reassign-to PERSON` when they leave)")
MLC112 = _code(
    "MLC112", "finding",
    "a waiver or a not-applicable is approved by a former member of the team (after they "
    "left, for a not-applicable)",
    "have a person listed under the item's accountable role approve it again (`mlcycle waive` "
    "or `mlcycle na`)")
MLC113 = _code("MLC113", "finding",
               "an item is `na` (not applicable) but has no `na: {reason, approved_by, date}`",
               "run `mlcycle na ITEM --reason TEXT --by PERSON`, or change the status")
MLC114 = _code(
    "MLC114", "finding",
    "a not-applicable is approved by someone who does not hold the item's accountable role",
    "have a person listed under the accountable role in `team` approve it (`mlcycle na`)")
MLC120 = _code(
    "MLC120", "finding",
    "a parity check failed: experiment and production differ by more than the tolerance (in "
    "either direction)",
    "find out why production differs from the experiment; change the tolerance in the "
    "playbook only when the difference is understood")
MLC121 = _code("MLC121", "finding", "a metric check failed: the value violates its threshold",
               "improve the model, or change the threshold in the playbook with a reason")
MLC122 = _code(
    "MLC122", "finding",
    "a metrics file does not exist, or is outside the project (the evidence rules: no `..`, "
    "no absolute path, no symlink out)",
    "run the job that writes it and commit the file, or fix `file` in the playbook")
MLC123 = _code("MLC123", "finding",
               "a metrics file cannot be read or parsed (JSON, YAML or TOML, by its extension)",
               "fix the file at the line and column given")
MLC124 = _code("MLC124", "finding",
               "a metric key is missing from its file (the message names the deepest key that "
               "exists)",
               "fix `key` in the playbook or the job that writes the file")
MLC125 = _code("MLC125", "finding",
               "a metric value is not a number (a string, a boolean, null, a list or a "
               "mapping)",
               "write the number itself, unquoted")
MLC126 = _code("MLC126", "finding", "a metric value is NaN or infinite",
               "fix the evaluation job: NaN or infinity never passes a check")
MLC127 = _code(
    "MLC127", "finding",
    "a parity check has only a relative tolerance and the production value is 0, so no "
    "difference at all would pass",
    "add an `abs` tolerance to the check in the playbook")
MLC128 = _code(
    "MLC128", "finding",
    "the ML Test Score is below `check --min-score` (the finding names the section that holds "
    "it down)",
    "raise the weakest section: finish its tests, with evidence, and automate them")
MLC133 = _code(
    "MLC133", "finding",
    "a gate's evidence document still holds prompt lines of its stub, unanswered (lines "
    "identical, but for white space, to the stub's lines that carry TODO, `| TODO |` table "
    "rows included); located at the first one, with their count",
    "answer each prompt in your own words (or delete the ones that do not apply to the "
    "project), then run `mlcycle check` again")
MLC134 = _code(
    "MLC134", "finding",
    "a gate's URL evidence is on a host that `evidence: {urls: [...]}` in mlcycle.yaml does "
    "not list (a listed host or a subdomain of one)",
    "cite the work where the team keeps it (a listed host), or add the host with "
    "`mlcycle hosts add HOST`")
MLC136 = _code(
    "MLC136", "finding",
    "a done item says `automated: true`, but none of its evidence is automation that exists "
    "in the project (a CI workflow, a CI configuration, a test file, a scheduled job or "
    "pipeline definition)",
    "cite the automation (`mlcycle done ITEM --automated -e .github/workflows/ml-tests.yml`), "
    "or delete `automated: true` (done by hand scores 0.5)")
MLC137 = _code(
    "MLC137", "finding",
    "check --strict-evidence: an item reset by `mlcycle reopen` is done again, and every "
    "evidence file it cites is unchanged since the reopen",
    "update the evidence with what the loop back found, or cite the new work "
    "(`mlcycle set ITEM --evidence PATH`)")
MLC138 = _code(
    "MLC138", "finding",
    "an item the history says a reopen reset (`reset:` of that reopen entry) lacks the "
    "`reopened:` record of that day, which `mlcycle reopen` wrote (removed or changed by "
    "hand, it would hide evidence unchanged since the loop back)",
    "restore the item's `reopened:` record from git (`git log -p` of its status file)")
MLC140 = _code(
    "MLC140", "finding",
    f"a recurring gate of the current or an earlier phase has been due again for more than "
    f"{RECUR_GRACE_DAYS} days (its last completion, `done_on`, is older than its period)",
    "do the work again and record it with `mlcycle done ITEM` (it sets `done_on` to today)")
MLC141 = _code(
    "MLC141", "finding",
    "a recurring item is done but has no `done_on` date, so nobody knows when it is due again",
    "run `mlcycle done ITEM` when the work is done (it records today), or add "
    "`done_on: YYYY-MM-DD` with the day it was last done")
MLC142 = _code(
    "MLC142", "finding",
    "a recurring item's `done_on` is later than tomorrow: a completion in the future would "
    "keep the item from ever coming due (a day of slack for time zones)",
    "set `done_on` to the day the work was done, or run `mlcycle done ITEM` (it records "
    "today)")
MLC150 = _code("MLC150", "finding", "an open item is past its due date",
               "finish it, or move `due` to a realistic date", severity="warning")
MLC151 = _code("MLC151", "finding", f"a waiver expires within {EXPIRY_WARNING_DAYS} days",
               "close the item or get the waiver renewed before it expires",
               severity="warning")
MLC152 = _code("MLC152", "finding",
               "URL evidence is accepted but not verified (check works offline); one note per "
               "item, in the text summary",
               "nothing to do; reviewers should open the link (or list the hosts the team "
               "trusts: `mlcycle hosts add HOST`)", severity="note")
MLC153 = _code(
    "MLC153", "finding",
    "an open item of the current phase fails one of its metric or parity checks (the numbers "
    "committed so far would keep its gate open)",
    "improve the numbers before marking the item done; `mlcycle done` refuses while a check "
    "fails", severity="warning")
MLC154 = _code(
    "MLC154", "finding",
    "check --base: this change weakens an item (a threshold loosened, a tolerance widened, a "
    "check removed, a gate turned off, an evidence requirement dropped, a waiver added), at "
    "the item, or the project's gates (an overlay removed or attached to a later phase, a "
    "profile that switches gates off, the primary metric loosened, the hosts URL evidence may "
    "be on widened), at its key in mlcycle.yaml; the message names the people accountable "
    "for the gates it weakens",
    "have a person accountable for the item (for each gate named) review and approve the "
    "change in the pull request", severity="warning")
MLC160 = _code(
    "MLC160", "finding",
    f"a recurring item is due again: its last completion (`done_on`) is older than its period "
    f"(for a gate of the current or an earlier phase, an error after {RECUR_GRACE_DAYS} days)",
    "do the work again and record it with `mlcycle done ITEM`", severity="warning")
MLC165 = _code(
    "MLC165", "finding",
    "an item reset by `mlcycle reopen` is done again, and every evidence file it cites is "
    "unchanged since the reopen (an error under `check --strict-evidence`: MLC137)",
    "update the evidence with what the loop back found, or cite the new work "
    "(`mlcycle set ITEM --evidence PATH`)", severity="warning")

MLC170 = _code(
    "MLC170", "finding",
    "the evidence document of an item that is not a gate still holds prompt lines of its "
    "stub, unanswered (as MLC133, which it is for a gate)",
    "answer each prompt in your own words, or delete the ones that do not apply",
    severity="warning")
MLC171 = _code(
    "MLC171", "finding",
    "the URL evidence of an item that is not a gate is on a host `evidence: {urls: [...]}` "
    "does not list (as MLC134, which it is for a gate)",
    "cite the work where the team keeps it, or add the host with "
    "`mlcycle hosts add HOST`", severity="warning")

# --- MLC2nn: refusals (exit 1) ------------------------------------------------

MLC201 = _code(
    "MLC201", "refusal",
    "a file changed on disk between read and write; nothing written",
    "run the command again (another program, an editor or another mlcycle wrote the file "
    "meanwhile)", formerly="MLC033")

# --- MLC3nn: warnings of commands other than check ------------------------------

MLC301 = _code(
    "MLC301", "warning",
    "a team's document template has no stub marker (its documents count as evidence at once)",
    "put `<!-- mlcycle:stub -->` on the template's first line", severity="warning",
    formerly="MLC036")
MLC310 = _code(
    "MLC310", "warning",
    "an item's owner holds none of its responsible or accountable roles",
    "set an owner who holds one of the roles the warning names, or give the person the role "
    "(`mlcycle team add ROLE PERSON`)", severity="warning")
MLC311 = _code(
    "MLC311", "warning",
    "codeowners: a person who owns a path in CODEOWNERS has no GitHub handle in mlcycle.yaml",
    "add it with `mlcycle team add ROLE PERSON --github HANDLE`", severity="warning")
MLC320 = _code(
    "MLC320", "warning",
    "check, upgrade --check (and an upgrade that leaves it, as `upgrade --to` does): a "
    "built-in overlay is pinned at a version older than the one this mlcycle ships (said "
    "once per overlay)",
    "move it with `mlcycle overlay upgrade NAME`, or `mlcycle upgrade` with the lifecycle "
    "(every item's state kept by id)",
    severity="note")


# --- views ---------------------------------------------------------------------


def of_kind(*kinds: Kind) -> list[Code]:
    """The codes of these classes, in number order."""
    return [c for c in CODES.values() if c.kind in kinds]


def severity(code: str) -> Severity:
    return CODES[code].severity


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table(*kinds: Kind) -> str:
    """The README's table of the codes of these classes (every class when none is
    named): one row per code, a moved code's old number in its meaning."""
    rows = ["| code | severity | exit | meaning | fix |", "|---|---|---|---|---|"]
    for c in of_kind(*kinds) if kinds else CODES.values():
        meaning = c.meaning + (f" (formerly {c.formerly})" if c.formerly else "")
        rows.append(f"| `{c.id}` | {c.severity} | {c.exit} | {_cell(meaning)} | {_cell(c.fix)} |")
    return "\n".join(rows) + "\n"
