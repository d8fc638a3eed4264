"""Write the sequential suite's targets as BLIF here: ``python circuits/sequential/make_machines.py``.

The targets (seeded random Moore and Mealy machines, counters with enable, an up/down
counter, a 4-bit pattern detector) are defined in :mod:`catlearn.circuits.machines`;
``tests/test_automata.py`` checks that these files are what that module writes.
"""

from pathlib import Path

from catlearn.circuits.machines import write_suite

if __name__ == "__main__":
    for path in write_suite(Path(__file__).resolve().parent):
        print(f"wrote {path}")
