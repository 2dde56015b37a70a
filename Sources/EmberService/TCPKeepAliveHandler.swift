import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns on TCP keep-alive for each accepted connection with `[DEFAULT] tcp_keepidle` seconds
/// of idleness before the first probe, as cinder's WSGI server does.
final class TCPKeepAliveHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    let idleSeconds: Int

    init(idleSeconds: Int) {
        self.idleSeconds = idleSeconds
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        guard let options = channel.syncOptions else { return }
        try? options.setOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
        #if os(Linux)
        if idleSeconds > 0 {
            let keepIdle = ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: TCP_KEEPIDLE))
            try? options.setOption(keepIdle, value: SocketOptionValue(idleSeconds))
        }
        #endif
    }
}
