import BoundCheck
import Foundation
import StochasticRounding

// The BoundCheck command line over the standard catalog plus `stochastic-rounding`.
exit(BoundCheckCommandLine.run(catalog: .withStochasticRounding, arguments: Array(CommandLine.arguments.dropFirst())))
