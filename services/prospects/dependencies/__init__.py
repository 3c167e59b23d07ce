"""The prospects service's dependencies: its plugin-provided pipeline and its storage."""
