"""Personal calibration: UniFER learns how its user shows expressions (consented, encrypted,
on this machine only). `store.ProfileStore` keeps profiles; a profile's `calibration.Calibration`
is what the pipeline applies to a face. docs/adr/0009-expression-profiles.md says why it works
this way. Import from the submodules: the store must not load the vision models."""
