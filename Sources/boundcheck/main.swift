import BoundCheck
import BoundCheckCLI

// The `boundcheck` tool: the command line over the built-in catalog. A package with its own
// plug-ins builds its own tool the same way, over its extended catalog.
BoundCheckCLI.main(catalog: .standard)
