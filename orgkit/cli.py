"""The ``orgkit`` command line: a thin click wrapper over the library functions.

Every command calls one library function; errors of the :class:`~orgkit.errors.OrgkitError` family are
printed without a traceback and end the command with the error's exit status (2: the input or the output
path is wrong, 1: a run failed, 3: a batch in which some clients failed, 130/143: a batch stopped by
Ctrl-C/SIGTERM).

No command writes into a client folder it reads, or over a file or folder orgkit did not write; each checks
its output path before it writes anything (:mod:`orgkit.files.outputs`).
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path

import click

from orgkit._version import __version__
from orgkit.errors import OrgkitError

__all__ = ["main"]

_STAGES = click.Choice(["startup", "mid", "large"])
_LANGUAGES = click.Choice(["en", "zh"])


def _friendly(func):
    """Print OrgkitError messages without a traceback and exit with their status."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except OrgkitError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="orgkit")
@click.option("-v", "--verbose", count=True, help="Log what happens (-vv for debug detail).")
def main(verbose: int) -> None:
    """Assess how a company is organised, from a folder of HR, communication, survey and decision exports.

    \b
    Start with the bundled sample:
      orgkit validate "$(orgkit sample --path)"
      orgkit report "$(orgkit sample --path)"
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--employees", "-n", type=click.IntRange(min=2), default=150, show_default=True,
              help="Headcount of the generated company.")
@click.option("--stage", type=_STAGES, default=None, help="Company stage (default: from headcount).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed; same seed, same files.")
@click.option("--language", type=_LANGUAGES, default="en", show_default=True,
              help="Language of department names and the report.")
@click.option("--force", is_flag=True,
              help="Rewrite the sample files in OUT_DIR when it is a sample folder orgkit wrote before.")
@click.option("--path", "print_path", is_flag=True, help="Print the bundled sample client's folder and exit.")
@_friendly
def sample(out_dir: Path | None, employees: int, stage: str | None, seed: int, language: str, force: bool,
           print_path: bool) -> None:
    """Write a complete synthetic client folder to OUT_DIR (all six files, valid, deterministic).

    OUT_DIR must be new or empty; --force rewrites a sample folder orgkit wrote, never another folder.
    """
    from orgkit.data.sample import generate_client, sample_client_path

    if print_path:
        click.echo(str(sample_client_path()))
        return
    if out_dir is None:
        raise click.UsageError("give OUT_DIR, or --path for the bundled sample")
    path = generate_client(out_dir, employees=employees, stage=stage, seed=seed, language=language,
                           overwrite=force)
    click.echo(f"wrote sample client ({employees} people) to {path}")


@main.command()
@click.argument("client_dir", type=click.Path(path_type=Path))
@click.option("--show-small-groups", is_flag=True,
              help="Also name the departments below the minimum group size and the unknown department names "
                   "warnings are about (for you to fix the data; reports, metrics and logs never name them).")
@_friendly
def validate(client_dir: Path, show_small_groups: bool) -> None:
    """Load and validate CLIENT_DIR; print what was loaded and every warning (exit 2 on errors)."""
    from orgkit.areas.structure import describe_placement
    from orgkit.data.summary import describe_client

    client = _load(client_dir)
    click.echo(describe_client(client, show_small_groups=show_small_groups))
    click.echo(describe_placement(client, show_small_groups=show_small_groups))


def _load(client_dir: Path, **overrides):
    """load_client, with a file the operating system will not read reported like any other input problem."""
    from orgkit.data.loading import load_client
    from orgkit.files.outputs import unreadable_input

    try:
        return load_client(client_dir, **overrides)
    except OSError as exc:  # the read boundary
        raise unreadable_input(client_dir, exc) from exc


@main.command()
@click.argument("client_dir", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write metrics.json here (default: print it).")
@click.option("--stage", type=_STAGES, default=None, help="Override the stage of client.yml.")
@click.option("--min-group-size", type=click.IntRange(min=1), default=None,
              help="Override the minimum group size of client.yml.")
@_friendly
def assess(client_dir: Path, output: Path | None, stage: str | None, min_group_size: int | None) -> None:
    """Run every assessment on CLIENT_DIR without a notebook and write one machine-readable result."""
    from orgkit.assessment import assess as run_assess
    from orgkit.assessment import write_metrics
    from orgkit.files.outputs import check_metrics_file

    if output is not None:
        check_metrics_file(output, client_dir)
    client = _load(client_dir, stage=stage, min_group_size=min_group_size)
    result = run_assess(client)
    if output is None:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        write_metrics(result, output)
        click.echo(f"wrote {output}")
    if client.warnings:
        click.echo(f"{len(client.warnings)} data warning(s); `orgkit validate {client_dir}` lists them "
                   "(they are also in metrics.json under data.warnings).", err=True)


@main.command()
@click.argument("client_dir", type=click.Path(path_type=Path))
@click.option("-o", "--output", "output_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports"), show_default=True, help="Reports go to OUTPUT/<client-slug>/.")
@click.option("--pdf", is_flag=True, help="Also print report.pdf with headless Chromium.")
@click.option("--language", type=_LANGUAGES, default=None, help="Override the language of client.yml.")
@click.option("--stage", type=_STAGES, default=None, help="Override the stage of client.yml.")
@click.option("--min-group-size", type=click.IntRange(min=1), default=None,
              help="Override the minimum group size of client.yml.")
@click.option("--show-names", is_flag=True, default=None, help="Show people's names (default: ids only).")
@click.option("--timeout", type=click.IntRange(min=10), default=600, show_default=True,
              help="Seconds a notebook cell may run.")
@click.option("--pptx", is_flag=True, help="Also write report.pptx, the report as an editable slide deck.")
@click.option("--pptx-template", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Build the deck on this .pptx (the firm's masters, layouts, fonts and colours); implies --pptx.")
@_friendly
def report(client_dir: Path, output_dir: Path, pdf: bool, language: str | None, stage: str | None,
           min_group_size: int | None, show_names: bool | None, timeout: int, pptx: bool,
           pptx_template: Path | None) -> None:
    """Execute the assessment notebook for CLIENT_DIR and write report.html (and report.pdf, report.pptx)."""
    from orgkit.report.run import run_client

    result = run_client(client_dir, output_dir, language=language, stage=stage,
                        min_group_size=min_group_size, show_names=bool(show_names), pdf=pdf,
                        timeout=timeout, pptx=pptx, pptx_template=pptx_template)
    click.echo(f"report: {result.html}")
    if result.pdf:
        click.echo(f"pdf:    {result.pdf}")
    if result.pptx:
        click.echo(f"deck:   {result.pptx}")


def _comparison_done(result) -> None:
    click.echo(f"report: {result.html}")
    if result.pdf:
        click.echo(f"pdf:    {result.pdf}")
    click.echo(f"data:   {result.metrics}")
    if result.pptx:
        click.echo(f"deck:   {result.pptx}")


@main.command()
@click.argument("old_dir", type=click.Path(path_type=Path))
@click.argument("new_dir", type=click.Path(path_type=Path))
@click.option("-o", "--output", "output_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports"), show_default=True, help="The report goes to OUTPUT/<old>-to-<new>/.")
@click.option("--pdf", is_flag=True, help="Also print report.pdf with headless Chromium.")
@click.option("--language", type=_LANGUAGES, default=None, help="Override the language of client.yml.")
@click.option("--min-group-size", type=click.IntRange(min=1), default=None,
              help="Override the minimum group size of client.yml (default: the larger of the two).")
@click.option("--show-names", is_flag=True, default=None, help="Show people's names beside their ids.")
@click.option("--timeout", type=click.IntRange(min=10), default=600, show_default=True,
              help="Seconds a notebook cell may run.")
@click.option("--pptx", is_flag=True, help="Also write report.pptx, the comparison as an editable slide deck.")
@click.option("--pptx-template", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Build the deck on this .pptx (the firm's masters, layouts, fonts and colours); implies --pptx.")
@_friendly
def compare(old_dir: Path, new_dir: Path, output_dir: Path, pdf: bool, language: str | None,
            min_group_size: int | None, show_names: bool | None, timeout: int, pptx: bool,
            pptx_template: Path | None) -> None:
    """Compare two snapshots of one client (OLD_DIR earlier, NEW_DIR later): who joined, left and moved, which
    departments were renamed, merged or split, and every area before and after, survey waves included."""
    from orgkit.report.run import run_comparison

    _comparison_done(run_comparison(old_dir=old_dir, new_dir=new_dir, output_dir=output_dir, language=language,
                                    min_group_size=min_group_size, show_names=bool(show_names), pdf=pdf,
                                    timeout=timeout, pptx=pptx, pptx_template=pptx_template))


@main.command()
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "output_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports"), show_default=True, help="Folder for every client's report and the overview.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: number of cores).")
@click.option("--scheduler", default=None, help="Run on an existing Dask cluster, e.g. tcp://host:8786.")
@click.option("--force", is_flag=True, help="Rerun clients whose inputs have not changed.")
@click.option("--pdf", is_flag=True, help="Also print every report to PDF.")
@click.option("--overview-language", type=_LANGUAGES, default="en", show_default=True,
              help="Language of the portfolio overview (index.html); each report keeps its client's language.")
@click.option("--pptx", is_flag=True, help="Also write every client's report.pptx (an editable slide deck).")
@click.option("--pptx-template", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Build every deck on this .pptx (the firm's masters, layouts, fonts and colours); implies --pptx.")
@click.option("--compare-waves/--no-compare-waves", default=True, show_default=True,
              help="Compare each wave of a client with its previous wave (linked from the overview).")
@_friendly
def batch(source: Path, output_dir: Path, workers: int | None, scheduler: str | None, force: bool,
          pdf: bool, overview_language: str, pptx: bool, pptx_template: Path | None, compare_waves: bool) -> None:
    """Build every client's report from SOURCE (a folder of client folders, or a CSV/YAML manifest)."""
    from orgkit.batch.run import BatchInterrupted, run_batch

    try:
        summary = run_batch(source, output_dir, workers=workers, scheduler=scheduler, force=force, pdf=pdf,
                            overview_language=overview_language, pptx=pptx, pptx_template=pptx_template,
                            compare_waves=compare_waves)
    except BatchInterrupted as exc:  # finished reports are kept; the next run picks up the rest
        click.echo(exc.summary.describe(), err=True)
        sys.exit(exc.exit_code)
    click.echo(summary.describe())
    sys.exit(summary.exit_code)


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@_friendly
def questionnaire(out_dir: Path) -> None:
    """Write the employee questionnaire to OUT_DIR: printable A4 forms and importable CSVs, English and Chinese."""
    from .questionnaire import write_questionnaire

    for path in write_questionnaire(out_dir):
        click.echo(f"wrote {path}")


@main.command()
@click.argument("reports_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"),
                required=False)
@click.option("-n", "--dry-run", is_flag=True, help="Only list what would be removed.")
@_friendly
def clean(reports_dir: Path, dry_run: bool) -> None:
    """Remove what orgkit wrote in REPORTS_DIR (default: reports): reports, failed runs, the overview.

    Only folders carrying orgkit's marker (.orgkit-report) and overview files orgkit recognises as its
    own are removed; anything else is listed and left alone.
    """
    from orgkit.files.outputs import clean as clean_folder

    done = clean_folder(reports_dir, dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    for p in done.removed:
        click.echo(f"{verb} {p}")
    for p in done.kept:
        click.echo(f"kept {p} (not written by orgkit)")
    click.echo(f"{verb} {len(done.removed)} item(s) from {reports_dir}; kept {len(done.kept)}.")


@main.command()
@click.argument("client_dir", type=click.Path(path_type=Path))
@click.argument("plan", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--suggest", is_flag=True,
              help="Write the plans the framework suggests for CLIENT_DIR, each with its computed effect.")
@click.option("-o", "--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="With PLAN: the reports folder, the report going to OUTPUT/<client-slug>-scenario-<plan-name>/ "
                   "(default: reports). With --suggest: the folder for the plan files (default: "
                   "reports/<client>/plans).")
@click.option("--pdf", is_flag=True, help="With PLAN: also print report.pdf with headless Chromium.")
@click.option("--language", type=_LANGUAGES, default=None, help="Override the language of client.yml.")
@click.option("--min-group-size", type=click.IntRange(min=1), default=None,
              help="With PLAN: override the minimum group size of client.yml.")
@click.option("--show-names", is_flag=True, default=None, help="With PLAN: show people's names beside their ids.")
@click.option("--timeout", type=click.IntRange(min=10), default=600, show_default=True,
              help="With PLAN: seconds a notebook cell may run.")
@click.option("--pptx", is_flag=True,
              help="With PLAN: also write report.pptx, the comparison as an editable slide deck.")
@click.option("--pptx-template", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With PLAN: build the deck on this .pptx (the firm's masters, layouts, fonts and colours); "
                   "implies --pptx.")
@_friendly
def scenario(client_dir: Path, plan: Path | None, suggest: bool, output_dir: Path | None, pdf: bool,
             language: str | None, min_group_size: int | None, show_names: bool | None, timeout: int,
             pptx: bool, pptx_template: Path | None) -> None:
    """What-if reorganisations of CLIENT_DIR: apply PLAN and report what it would change, or (--suggest) write
    candidate plans as editable YAML files.

    \b
    With PLAN, every area before and after, the findings that appear or disappear, who is affected; a plan
    that cannot be applied is refused with the number of its step, before anything is written:
      orgkit scenario clients/acme plans/delegate.yml --pdf
    With --suggest, each file's header says why the plan is suggested and what it would do:
      orgkit scenario clients/acme --suggest -o plans/
    """
    if not suggest:
        if plan is None:
            raise OrgkitError("give a plan file (PLAN) or --suggest: orgkit scenario CLIENT_DIR PLAN.yml, or "
                              "orgkit scenario CLIENT_DIR --suggest")
        from orgkit.report.run import run_comparison

        _comparison_done(run_comparison(client_dir, plan, output_dir=output_dir or Path("reports"),
                                        language=language, min_group_size=min_group_size,
                                        show_names=bool(show_names), pdf=pdf, timeout=timeout, pptx=pptx,
                                        pptx_template=pptx_template))
        return
    if plan is not None:
        raise OrgkitError(f"--suggest writes new plans: leave out the plan file {plan}.")
    if pptx or pptx_template:
        raise OrgkitError("--suggest writes plan files, not a report: leave out --pptx and --pptx-template (run "
                          "orgkit scenario CLIENT_DIR PLAN.yml --pptx on a plan it writes).")
    from orgkit.i18n import t
    from orgkit.scenario.suggest import write_suggestions

    if output_dir is None:
        from orgkit.report.run import client_slug

        output_dir = Path("reports") / client_slug(client_dir) / "plans"
    try:
        written = write_suggestions(client_dir, output_dir, language)
    except OSError as exc:  # the read boundary
        from orgkit.files.outputs import unreadable_input

        raise unreadable_input(client_dir, exc) from exc
    lang = written[0][0].language if written else language or "en"
    if not written:
        click.echo(t("suggest.cli.none", lang))
    for s, path in written:
        click.echo(t("suggest.cli.written", lang, name=s.name, path=str(path)))
        click.echo(f"  {s.effect_text(lang)}")

def _when(value: str | None, option: str):
    """A --since/--until value: a date or date-time, read as the client's local time."""
    if value is None:
        return None
    import datetime as _dt

    try:
        return _dt.datetime.fromisoformat(value.strip())
    except ValueError:
        from orgkit.errors import ConfigError

        raise ConfigError(f"{option} {value!r} is not a date; use yyyy-mm-dd or yyyy-mm-dd HH:MM.") from None


@main.command("import")
@click.argument("format_name", metavar="FORMAT", required=False)
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The client folder to write: new, or an existing one (files orgkit import did not write "
                   "are kept, never replaced).")
@click.option("--list", "list_formats", is_flag=True, help="List the formats orgkit imports and exit.")
@click.option("--timezone", default=None,
              help="The client's time zone (IANA, e.g. Asia/Shanghai); default: client.yml's timezone, else UTC.")
@click.option("--since", default=None, help="Only events and approvals from this date (client time).")
@click.option("--until", default=None, help="Only events and approvals before this date (client time).")
@click.option("--max-recipients", type=click.IntRange(min=1), default=None,
              help="Messages with more recipients create no ties [default: 25].")
@click.option("--keep-names", is_flag=True, help="Write people's names into people.csv (default: left out).")
@click.option("--pseudonymise", "--pseudonymize", "pseudonymise", is_flag=True,
              help="Replace person ids by keyed pseudonyms; the key is kept outside the client folder.")
@click.option("--key-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The pseudonymisation key [default: CLIENT_DIR.orgkit-key.json beside the folder].")
@click.option("--department-level", type=click.IntRange(min=1), default=None,
              help="For department paths: how many levels below the company to keep.")
@click.option("--derive-departments", type=click.IntRange(min=1), default=None,
              help="Derive departments from the reporting tree, N levels below the top.")
@click.option("--directory", "directory", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="An HR file giving people and mapping the log's e-mails or accounts to employee ids "
                   "(repeatable).")
@click.option("--channel-weight", type=float, default=None,
              help="Slack: count shared channel membership as ties of this weight (default: not counted).")
@click.option("--scheduler", default=None, help="Aggregate message events on this Dask scheduler.")
@click.option("--dayfirst/--monthfirst", "dayfirst", default=None,
              help="Read dates such as 03/04/2024 day first (3 April) or month first (4 March) when the "
                   "data cannot tell.")
@click.option("--set", "extra", multiple=True, metavar="KEY=VALUE",
              help="A format-specific setting (e.g. --set manager_field=直属上级; see docs/importing.md).")
@_friendly
def import_(format_name: str | None, sources: tuple[Path, ...], out: Path | None, list_formats: bool,
            timezone: str | None, since: str | None, until: str | None, max_recipients: int | None,
            keep_names: bool, pseudonymise: bool, key_file: Path | None, department_level: int | None,
            derive_departments: int | None, directory: tuple[Path, ...], channel_weight: float | None,
            scheduler: str | None, dayfirst: bool | None, extra: tuple[str, ...]) -> None:
    """Read a platform's export (FORMAT SOURCE...) into the client folder -o CLIENT_DIR, with import.log.

    \b
    Examples:
      orgkit import --list
      orgkit import dingtalk 审批记录.xlsx --directory hr.xlsx --timezone Asia/Shanghai -o clients/acme
      orgkit import hris workday_export.csv -o clients/acme
      orgkit import events 'logs/2024-*.csv' --directory hr.xlsx -o clients/acme   (a quoted pattern)

    \b
    Files in CLIENT_DIR that the import did not write are kept, never replaced; names, e-mail addresses and
    phone numbers are not written (--keep-names writes names; --pseudonymise replaces the ids).
    """
    from orgkit.errors import ConfigError
    from orgkit.importers.base import FORMATS, MAX_RECIPIENTS, ImportOptions
    from orgkit.importers.formats import load_all
    from orgkit.importers.write import import_client

    load_all()
    if list_formats:
        for name in sorted(FORMATS):
            f = FORMATS[name]
            click.echo(f"{name:16} {f.title} -> {', '.join(f.produces)}")
            click.echo(f"{'':16} give: {f.sources}")
            if f.settings:
                click.echo(f"{'':16} --set: {', '.join(f.settings)}")
        return
    if not format_name:
        raise ConfigError("give a FORMAT and its files, e.g. orgkit import hris hr.xlsx -o clients/acme "
                          "(orgkit import --list shows the formats).")
    if out is None:
        raise ConfigError("give the client folder to write with -o CLIENT_DIR. Nothing was written.")
    settings = {}
    for item in extra:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set {item!r}: use KEY=VALUE.")
        if not value.strip():
            raise ConfigError(f"--set {item!r}: give a value (leave the setting out for the format's default).")
        settings[key.strip()] = value.strip()
    options = ImportOptions(timezone=timezone, since=_when(since, "--since"), until=_when(until, "--until"),
                            max_recipients=max_recipients or MAX_RECIPIENTS, keep_names=keep_names,
                            pseudonymise=pseudonymise, key_file=key_file, department_level=department_level,
                            derive_departments=derive_departments, directory=tuple(directory),
                            channel_weight=channel_weight, scheduler=scheduler, dayfirst=dayfirst,
                            extra=settings)
    result = import_client(format_name, sources, out, options)
    counts = ", ".join(f"{n:,} {t}" for t, n in result.counts.items())
    click.echo(f"wrote {result.folder}: {counts}; see {result.folder / 'import.log'}")
    for note in result.notes:
        click.echo(f"  kept {note}")
    for w in result.warnings:
        click.echo(f"  warning: {w}")
    if result.key_file is not None:
        click.echo(f"pseudonymisation key: {result.key_file} (keep it away from the client folder)")


if __name__ == "__main__":  # pragma: no cover
    main()
