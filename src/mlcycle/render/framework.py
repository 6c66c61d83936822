"""``mlcycle report --framework NAME``: the evidence index of one framework, as
Markdown (every piece of user text through ``escape.markdown``) or as one
self-contained HTML page (``templates/views/framework.html.j2``)."""

from __future__ import annotations

from mlcycle.escape import markdown as md
from mlcycle.escape import markdown_code as md_code
from mlcycle.judge.framework_index import Entry, Index
from mlcycle.render.html import render_page
from mlcycle.render.text import md_table

# Said at the top of every index, whatever the format: the page must not read as
# a certificate.
NOT_COMPLIANCE = (
    "This is an index of evidence, not a compliance assessment: it lists the items "
    "of this project tagged for {framework} and what each one points to. Closed "
    "items and a passing {check} do not mean that the product complies with "
    "{framework}; only an assessment of the product against the framework itself "
    "can say that.")


def none_tagged(index: Index, tick: str = "`") -> str:
    """``tick`` quotes the command: a backtick in Markdown, nothing in HTML."""
    how = (f"; {tick}mlcycle overlay add {index.suggest}{tick} adds the built-in checks "
           f"whose items are tagged for {index.framework.name}") if index.suggest else ""
    return (f"No item of this project is tagged for {index.framework.name} (a tag such as "
            f"{index.framework.example} in an item's tags), so there is nothing to index"
            f"{how}.")


def summary(index: Index, tick: str = "`") -> str:
    if not index.items:
        return none_tagged(index, tick)
    items = "item" if index.items == 1 else "items"
    return f"{index.items} {items} tagged for {index.framework.name}, {index.closed} closed."


def _item_md(entry: Entry) -> str:
    finer = f" ({', '.join(entry.refs)})" if entry.refs else ""
    return f"{md_code(entry.item)} {md(entry.title)}{finer}"


def markdown(index: Index) -> str:
    title = index.framework.title
    out = [f"# Evidence index: {md(title)}\n",
           f"Project **{md(index.project)}**, playbook {md(index.playbook)}, as of "
           f"{index.today}.\n",
           # Our own words and the framework's title: Markdown as written.
           "> **Passing is not compliance.** "
           + NOT_COMPLIANCE.format(framework=index.framework.short, check="`mlcycle check`")
           + "\n",
           summary(index) + "\n"]
    for section in index.sections:
        out.append(f"## {md(section.heading)}\n")
        out.append(md_table(
            ["Item", "Phase", "State", "Owner", "Evidence"],
            [[_item_md(e), md_code(e.phase), md(e.state), md(e.owner or "(nobody)"),
              ", ".join(md_code(x) for x in e.evidence) or "(none)"]
             for e in section.entries]))
    return "\n".join(out)


def html(index: Index, generated: str | None) -> str:
    return render_page("framework.html.j2", x=index, generated=generated,
                       warning=NOT_COMPLIANCE.format(framework=index.framework.short,
                                                     check="mlcycle check"),
                       summary=summary(index, tick=""))
