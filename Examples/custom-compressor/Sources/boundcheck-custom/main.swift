import BoundCheck
import BoundCheckCLI
import StochasticRounding

// The whole BoundCheck command line (check, merge, bounds, probe, list, reports and exit codes)
// over the standard catalog plus `stochastic-rounding`.
BoundCheckCLI.main(catalog: .withStochasticRounding)
