import NadsimCLI

Nadsim.runMain()
