package dev.flowagg.node.process;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * The operating system's reason an operation on a file failed, in words ({@code no such file}, {@code permission
 * denied}); Java's exceptions for these often carry only the path.
 */
public final class IoReason {

  private IoReason() {}

  public static String of(IOException e) {
    return switch (e) {
      case NoSuchFileException missing -> "no such file or directory";
      case AccessDeniedException denied -> "permission denied";
      case NotDirectoryException notDirectory -> "not a directory";
      case FileAlreadyExistsException exists -> "a file of that name is in the way";
      case FileSystemException other when other.getReason() != null -> lowerFirst(other.getReason());
      default -> e.getMessage() == null ? e.getClass().getSimpleName() : lowerFirst(e.getMessage());
    };
  }

  private static String lowerFirst(String text) {
    return text.isEmpty() ? text : text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
  }
}
