import NadsimCLI

Nadsim.main()
