"""Learning boolean circuits: exactly from truth tables, as classifiers from data, sequentially.

The netlists these learners read and write live in :mod:`catlearn.netlist`; the
learning rules they use (RDA, the relaxed gates, optimizers as lenses) live in
:mod:`catlearn.learning` and :mod:`catlearn.layers`.

* :mod:`~catlearn.circuits.learn`: a netlist learned exactly from a truth table;
* :mod:`~catlearn.circuits.classifier`: a logic-gate network exported as a netlist;
* :mod:`~catlearn.circuits.seqlearn`: a sequential circuit learned from its behaviour.
"""
