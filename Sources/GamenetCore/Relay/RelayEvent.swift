/// Events a relay sends through the pipelines it joins.
package enum RelayEvent: Hashable, Sendable {
    /// The relay's handlers are in place: whatever a handler held back for lack of a reader can now be passed on.
    case started
}
