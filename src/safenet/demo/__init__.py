"""The embedded demo: police, three centers, the simulator and the consoles in one process.

- :mod:`.stack` starts the services (SQLite files under ``var/demo``, the in-process
  link with its crash journal) and their HTTP servers, and issues the demo's tokens;
- :mod:`.driver` plays the scenario through the services' real interfaces: the police
  register and approve each wanted vehicle over HTTP, the simulator's reads go to the
  centers' HTTP ingest, and simulated operators decide candidates over HTTP;
- :mod:`.operators` says which centers are left to a person (``--operators``: by default
  강남구, while simulated operators decide at the others);
- :mod:`.observer` listens to the police alert stream like a dispatcher's console;
- :mod:`.progress` counts hits, waiting candidates and every decision from the centers'
  own records (the live view and the headless progress lines on stderr);
- :mod:`.banner` writes the start-up text: the person's center first, then the consoles,
  then what the data's caveats mean for the demo;
- :mod:`.accounting` compares what the centers committed with what the police stored.
"""
