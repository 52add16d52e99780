#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open files (`RLIMIT_NOFILE`).
package enum FileDescriptorLimit {
    /// Raises the soft limit to the hard limit, as servers do at start (nginx's `worker_rlimit_nofile`): the
    /// default soft limit of 1,024 would cap a server at about a thousand connections. Returns the limit in force.
    @discardableResult
    package static func raiseToHardLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 {
                return Int(clamping: raised.rlim_cur)
            }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
