"""Prints the largest relative differences between libRoadRunner and nadsim after the tests."""


def pytest_terminal_summary(terminalreporter):
    from test_sbml_roadrunner import RESULTS

    if not RESULTS:
        return
    terminalreporter.section("SBML export vs nadsim: largest relative difference per model")
    for model, ((difference, name, time), times, names) in sorted(RESULTS.items()):
        where = f" ({name} at t = {time:.6g})" if name else ""
        terminalreporter.write_line(f"{model}: {difference:.3g}{where} over {times} times x {names} series")
