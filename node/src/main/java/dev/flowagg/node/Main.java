package dev.flowagg.node;

public final class Main {
  public static void main(String[] args) {}
}
