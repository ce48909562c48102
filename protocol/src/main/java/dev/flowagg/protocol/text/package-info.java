/** Text as it arrives in request bodies: well-formed UTF-8 or a reason why not. */
package dev.flowagg.protocol.text;
