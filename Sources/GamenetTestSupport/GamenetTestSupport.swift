// Helpers for gamenet's tests: the virtual link and EmbeddedChannel utilities build on GamenetCore.
@_exported import GamenetCore
