#!/usr/bin/env python3
"""HIRES ensemble with libRoadRunner (PyPI), for Benchmarks/compare-ensemble.sh.

The model is the SBML that `nadsim export sbml --model Models/testset/hires.yaml`
writes (species y1..y8 with rate rules, global parameters k1..k9 and Oks).
Each of --jobs worker processes loads it once (JIT compilation by
libRoadRunner's LLVM back end happens then, outside the clock) and sets its
integrator to CVODE (BDF, roadrunner's default stiff setting) with the given
tolerances.  Per solve: reset() to the initial state, set k1..k9 and Oks,
simulate(0, until, 2), take the last row.  Timed: the passes over all
solves (see ensemble_common.run_pool).

The absolute tolerance is set explicitly: roadrunner's default scales it per
state.  The Jacobian is roadrunner's own (CVODE's difference quotients on the
compiled RHS); roadrunner's Python API has no way to pass an analytic one.
"""
import sys

import numpy as np

import ensemble_common as ec

_rr = None
_params = None
_until = None


def _init(sbml_path, params, rtol, atol, until):
    global _rr, _params, _until
    import roadrunner
    rr = roadrunner.RoadRunner(sbml_path)
    rr.setIntegrator("cvode")
    integ = rr.getIntegrator()
    integ.setValue("stiff", True)
    integ.setValue("relative_tolerance", rtol)
    integ.setValue("absolute_tolerance", atol)
    integ.setValue("maximum_num_steps", 1000000)
    rr.timeCourseSelections = ["time"] + ec.SPECIES
    _rr, _params, _until = rr, params, until


def _solve_chunk(lo, hi):
    rr = _rr
    out = np.full((hi - lo, 8), np.nan)
    for i in range(lo, hi):
        rr.reset()
        for name, v in zip(ec.PARAM_NAMES, _params[i]):
            rr.setValue(name, float(v))
        try:
            res = rr.simulate(0.0, _until, 2)
            out[i - lo] = np.asarray(res)[-1, 1:]
        except RuntimeError:
            pass
    return out


def main():
    ap = ec.arg_parser(__doc__.splitlines()[0])
    ap.add_argument("--sbml", required=True)
    a = ap.parse_args()
    import roadrunner
    ids, params = ec.read_parameters(a.parameters)

    # Check once, in this process, that the model and the settings are what we think.
    _init(a.sbml, params, a.rtol, a.atol, a.until)
    integ = _rr.getIntegrator()
    gp = set(_rr.model.getGlobalParameterIds())
    missing = [k for k in ec.PARAM_NAMES if k not in gp]
    if missing:
        sys.exit(f"ensemble_roadrunner: {a.sbml} lacks global parameters {missing}")
    settings = (f"integrator {integ.getName()}, stiff={integ.getValue('stiff')}, "
                f"rtol={integ.getValue('relative_tolerance')}, atol={integ.getValue('absolute_tolerance')}")
    print(f"[ensemble_roadrunner] roadrunner {roadrunner.__version__}: {settings}", file=sys.stderr)

    best, finals = ec.run_pool(_init, (a.sbml, params, a.rtol, a.atol, a.until), _solve_chunk,
                               len(ids), a.jobs, a.repeats)
    failed = int(np.sum(~np.all(np.isfinite(finals), axis=1)))
    ec.write_finals(a.out, ids, finals)
    ec.report("libRoadRunner", "CVODE BDF (roadrunner's Jacobian)", a.jobs, len(ids), failed,
              a.repeats, best, version=roadrunner.__version__)


if __name__ == "__main__":
    main()
