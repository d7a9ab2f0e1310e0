package io.flowpulse.sources.netflow;

/** A datagram that is not a decodable NetFlow v5/v9 or IPFIX message; the message is the reason. */
public class NetFlowDecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    public NetFlowDecodeException(String reason) {
        super(reason);
    }
}
