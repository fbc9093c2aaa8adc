/// The Python of the notebook's code cells that does not depend on the results folder: reading the
/// CSV files by the manifest's column names, and the figure functions the figure cells call.
/// Everything here is plain pandas and matplotlib, so that a reader can change any figure.
enum NotebookPython {
  /// Imports, with matplotlib's inline backend (headless-safe: figures become PNG outputs).
  static let imports = #"""
    %matplotlib inline
    import json
    from pathlib import Path

    import matplotlib.pyplot as plt
    import pandas as pd
    """#

  /// Reads the manifest and the CSV files; needs `RESULTS` and `QUANTILES_FILE` defined before it.
  static let loading = #"""
    if not (RESULTS / "manifest.json").is_file():
        raise FileNotFoundError(f"{RESULTS / 'manifest.json'} not found: run this notebook from its own folder, or set RESULTS")

    MANIFEST = json.loads((RESULTS / "manifest.json").read_text(encoding="utf-8"))
    AXES = MANIFEST["axes"]
    AXIS = {axis["name"]: axis for axis in AXES}
    AXIS_COLUMNS = [axis["column"] for axis in AXES]
    OBSERVABLE = {observable["name"]: observable for observable in MANIFEST["observables"]}
    METRICS = MANIFEST["metric_columns"]
    POPULATION = MANIFEST.get("population")


    def read_csv(name):
        """A CSV of the results folder: axis values as text, exactly as the manifest lists them; only
        empty cells are missing values."""
        text = AXIS_COLUMNS + ["scenario_id", "status", "reason", "observable", "metric", "unit"]
        frame = pd.read_csv(RESULTS / name, dtype={column: str for column in text}, keep_default_na=False, na_values=[""])
        present = [column for column in AXIS_COLUMNS if column in frame]
        frame[present] = frame[present].fillna("")
        return frame


    SUMMARY = read_csv(MANIFEST["files"]["summary"])
    OK = SUMMARY[SUMMARY["status"] == "ok"]
    QUANTILES = read_csv(QUANTILES_FILE) if QUANTILES_FILE else None
    print(f"{MANIFEST['files']['summary']}: {len(SUMMARY)} rows, {len(OK)} ok, {len(SUMMARY) - len(OK)} failed")
    """#

  /// Figure functions: a metric against an axis (dose, age) with population bands; time courses.
  static let figures = #"""
    #: Axis kinds drawn as one line per value; with "dose", the kinds that make up a treatment.
    CATEGORICAL = {"route", "substance", "schedule", "infusion"}
    TREATMENT = CATEGORICAL | {"dose"}
    #: At most this many lines (or scenarios) per panel before other axes are held fixed.
    MAX_LINES = 8
    METRIC_LABEL = {
        "baseline": "untreated baseline",
        "cmax": "peak (Cmax)",
        "tmax_h": "time of peak",
        "auc": "area under the curve",
        "trough": "trough",
        "fold": "fold change (end / baseline)",
        "t90_h": "time to 90 % of the change",
    }


    def axis_label(axis):
        return f"{axis['name']} [{axis['unit']}]" if axis.get("unit") else axis["name"]


    def value_label(axis, value):
        if axis["kind"] in CATEGORICAL:
            return str(value)
        return f"{axis['name']} {value}" + (f" {axis['unit']}" if axis.get("unit") else "")


    def numeric(values):
        return pd.to_numeric(values, errors="coerce")


    def style(index):
        return {"color": f"C{index % 10}", "linestyle": ["-", "--", ":", "-."][(index // 10) % 4]}


    def lines_and_held(x_name, ignore=()):
        """How to draw the axes other than `x_name`: one line per combination of the categorical
        axes (route, substance, schedule, ...); a listed numeric axis joins the lines while there stay
        at most MAX_LINES, else it is held at its middle value. Kinds in `ignore` are left out (rows
        that differ only in them are combined by their median)."""
        others = [a for a in AXES if a["name"] != x_name and a["kind"] not in ignore
                  and len(a.get("values") or ()) != 1]  # an axis with one value tells lines apart from nothing
        line_axes = [a for a in others if a["kind"] in CATEGORICAL]
        count = 1
        for axis in line_axes:
            count *= len(axis.get("values") or [None])
        held = {}
        for axis in others:
            values = axis.get("values")
            if axis["kind"] in CATEGORICAL or not values:
                continue
            if count * len(values) <= MAX_LINES:
                line_axes.append(axis)
                count *= len(values)
            else:
                held[axis["column"]] = values[len(values) // 2]
        return line_axes, held


    def hold(frame, held):
        for column, value in held.items():
            frame = frame[frame[column] == value]
        return frame


    def line_keys(line_axes):
        """The lines' axis values in the order the summary first lists them (stable colours)."""
        columns = [a["column"] for a in line_axes]
        return list(dict.fromkeys(SUMMARY[columns].itertuples(index=False, name=None))) if columns else [()]


    def groups(frame, line_axes, keys):
        """(label, style, rows) for each line that has rows."""
        for index, key in enumerate(keys):
            rows = frame
            for axis, value in zip(line_axes, key):
                rows = rows[rows[axis["column"]] == value]
            if len(rows):
                text = ", ".join(value_label(a, v) for a, v in zip(line_axes, key)) or None
                yield text, style(index), rows


    def facets(count, columns=3, width=4.8, height=3.5):
        columns = min(columns, count)
        rows = -(-count // columns)
        fig, panels = plt.subplots(rows, columns, figsize=(width * columns, height * rows), squeeze=False,
                                   layout="constrained")
        panels = panels.ravel()
        for unused in panels[count:]:
            unused.set_visible(False)
        return fig, panels[:count]


    def legend(fig, panels):
        """One legend for all panels, right of them."""
        handles, labels = panels[0].get_legend_handles_labels()
        if handles:
            fig.legend(handles, labels, loc="outside right upper", fontsize="small")


    def log_scale_suits(values, axis):
        values = numeric(pd.Series(values)).dropna()
        return axis.get("scale") == "log" or (len(values) > 1 and values.min() > 0 and values.max() / values.min() >= 50)


    def metric_against(metric, x_name, observables=None, ignore=()):
        """One panel per observable: `metric` against axis `x_name`, one line per combination of the
        other axes (see lines_and_held). With a population: the median over the virtual people and
        their 5-95 % band (quantiles.csv), the typical person dashed. Without: the typical person.
        A sampled axis (Latin hypercube, Monte Carlo) gives points instead of lines."""
        x_axis = AXIS[x_name]
        x = x_axis["column"]
        columns = [m for m in METRICS if m["metric"] == metric and (observables is None or m["observable"] in observables)]
        line_axes, held = lines_and_held(x_name, ignore)
        keys = line_keys(line_axes)
        sampled = not x_axis.get("values")
        fig, panels = facets(len(columns))
        for panel, column in zip(panels, columns):
            typical = hold(OK[OK["person"] == 0], held)
            for text, look, rows in groups(typical, line_axes, keys):
                points = pd.DataFrame({"x": numeric(rows[x]), "y": rows[column["column"]]}).dropna()
                if sampled:
                    panel.scatter(points["x"], points["y"], s=14, color=look["color"], label=text)
                    continue
                points = points.groupby("x")["y"].median()
                if QUANTILES is None:
                    panel.plot(points.index, points.values, marker="o", label=text, **look)
                else:
                    panel.plot(points.index, points.values, color=look["color"], linestyle="--", linewidth=1)
            if QUANTILES is not None:
                found = QUANTILES[(QUANTILES["observable"] == column["observable"]) & (QUANTILES["metric"] == metric)]
                for text, look, rows in groups(hold(found, held), line_axes, keys):
                    band = rows.assign(x=numeric(rows[x])).groupby("x")[["q05", "q50", "q95"]].median()
                    if sampled:
                        panel.errorbar(band.index, band["q50"], yerr=[band["q50"] - band["q05"], band["q95"] - band["q50"]],
                                       fmt="o", markersize=3, color=look["color"], alpha=0.6)
                        continue
                    panel.fill_between(band.index, band["q05"], band["q95"], color=look["color"], alpha=0.18, linewidth=0)
                    panel.plot(band.index, band["q50"], marker="o", label=text, **look)
            if metric == "fold":
                panel.axhline(1, color="grey", linewidth=0.8, linestyle=":")
            if log_scale_suits(OK[x], x_axis):
                panel.set_xscale("log")
            panel.set_title(column["observable"])
            panel.set_xlabel(axis_label(x_axis))
            panel.set_ylabel(f"{METRIC_LABEL.get(metric, metric)} [{column['unit']}]")
        legend(fig, panels)
        notes = []
        if QUANTILES is not None:
            notes.append(f"bars: median and 5-95 % of {POPULATION['size']} virtual people, dots: typical person" if sampled else
                     f"lines: median of {POPULATION['size']} virtual people, band: 5-95 %, dashed: typical person")
        if held:
            notes.append("held at " + ", ".join(f"{c} = {v}" for c, v in held.items()))
        fig.suptitle(f"{METRIC_LABEL.get(metric, metric)} against {x_name}" + "".join("\n" + note for note in notes),
                     fontsize="medium")
        plt.show()


    def pick_evenly(items, count):
        """`count` items spread evenly over the list, first and last included."""
        if len(items) <= count:
            return list(items)
        step = (len(items) - 1) / (count - 1)
        return [items[round(i * step)] for i in range(count)]


    def time_courses(trajectories, max_scenarios=MAX_LINES):
        """One panel per observable: the time course of up to `max_scenarios` scenarios, spread evenly
        over the summary's order. With virtual people: their median and 5-95 % band at each time;
        without: the typical person."""
        present = set(trajectories["scenario_id"])
        scenarios = pick_evenly([s for s in dict.fromkeys(SUMMARY["scenario_id"]) if s in present], max_scenarios)
        first = SUMMARY.drop_duplicates("scenario_id").set_index("scenario_id").loc[scenarios]
        varying = [a for a in AXES if first[a["column"]].nunique() > 1]
        names = {s: ", ".join(value_label(a, first.loc[s, a["column"]]) for a in varying) or s for s in scenarios}
        observables = [o for o in OBSERVABLE if o in set(trajectories["observable"])]
        in_days = trajectories["time_h"].max() > 96
        fig, panels = facets(len(observables))
        for panel, observable in zip(panels, observables):
            rows = trajectories[trajectories["observable"] == observable]
            for index, scenario in enumerate(scenarios):
                one = rows[rows["scenario_id"] == scenario]
                people = one[one["person"] > 0]
                look = style(index)
                if len(people):
                    band = people.groupby("time_h")["value"].quantile([0.05, 0.5, 0.95]).unstack()
                    time = band.index / 24 if in_days else band.index
                    panel.fill_between(time, band[0.05], band[0.95], color=look["color"], alpha=0.15, linewidth=0)
                    panel.plot(time, band[0.5], label=names[scenario], **look)
                else:
                    typical = one[one["person"] == 0].sort_values("time_h")
                    time = typical["time_h"] / 24 if in_days else typical["time_h"]
                    panel.plot(time, typical["value"], label=names[scenario], **look)
            panel.set_title(observable)
            panel.set_xlabel("time [day]" if in_days else "time [h]")
            panel.set_ylabel(f"{observable} [{OBSERVABLE[observable]['unit']}]")
        legend(fig, panels)
        people = (trajectories["person"] > 0).any()
        fig.suptitle(f"time courses of {len(scenarios)} of {SUMMARY['scenario_id'].nunique()} scenarios"
                     + ("\nlines: median over virtual people, band: 5-95 %" if people else ""), fontsize="medium")
        plt.show()
    """#
}
