package dev.flowagg.protocol.classify;

import dev.flowagg.protocol.net.IpAddress;

/** A flow seen as a conversation: who the client and server are, and the bytes each way. */
public record Conversation(
    IpAddress client, int clientPort, IpAddress server, int serverPort, long bytesTx, long bytesRx) {}
