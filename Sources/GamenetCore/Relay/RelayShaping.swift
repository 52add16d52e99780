import NIOCore

/// What shapes one direction of a relay (`impair` over TCP): when each piece read may be passed on, through which
/// scheduler, and how many bytes may pass at all.
package protocol RelayShaping: AnyObject {
    /// The event loop's release scheduler.
    var scheduler: ReleaseScheduler { get }
    /// Reads are cut into pieces of at most this many bytes, each released on its own.
    var sliceSize: Int? { get }
    /// How much later than the data before it the end of the stream is passed on.
    var slowClose: TimeAmount? { get }
    /// When a piece of `size` bytes read at `now` may be passed on.
    func release(size: Int, now: NIODeadline) -> NIODeadline
    /// How many of `size` bytes about to be passed on may pass; fewer once a data limit is reached.
    func admit(_ size: Int) -> Int
}
