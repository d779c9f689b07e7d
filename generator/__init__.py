"""party365: validate a town's Party-organization data and build its public website.

The package itself loads nothing: import the module you need (`generator.validate`,
`generator.site`, `generator.printing` …), so that importing one does not load them all.
The pipeline is described in the README's developer section.
"""
