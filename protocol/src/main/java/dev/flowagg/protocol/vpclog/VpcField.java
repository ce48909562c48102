package dev.flowagg.protocol.vpclog;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The fields AWS defines for VPC flow-log records, each with its name in a format header, the version that brought
 * it, and the type its text parses to.
 */
public enum VpcField {
  VERSION("version", 2, Type.INT, 0, Integer.MAX_VALUE),
  ACCOUNT_ID("account-id", 2, Type.TEXT),
  INTERFACE_ID("interface-id", 2, Type.TEXT),
  SRCADDR("srcaddr", 2, Type.ADDRESS),
  DSTADDR("dstaddr", 2, Type.ADDRESS),
  SRCPORT("srcport", 2, Type.INT, 0, 65535),
  DSTPORT("dstport", 2, Type.INT, 0, 65535),
  PROTOCOL("protocol", 2, Type.INT, 0, 255),
  PACKETS("packets", 2, Type.LONG, 0, Long.MAX_VALUE),
  BYTES("bytes", 2, Type.LONG, 0, Long.MAX_VALUE),
  START("start", 2, Type.LONG, 0, Long.MAX_VALUE),
  END("end", 2, Type.LONG, 0, Long.MAX_VALUE),
  ACTION("action", 2, Type.TEXT),
  LOG_STATUS("log-status", 2, Type.TEXT),
  VPC_ID("vpc-id", 3, Type.TEXT),
  SUBNET_ID("subnet-id", 3, Type.TEXT),
  INSTANCE_ID("instance-id", 3, Type.TEXT),
  // OR of the TCP flags seen in the window; AWS reports FIN, SYN, RST, SYN-ACK and their combinations.
  TCP_FLAGS("tcp-flags", 3, Type.INT, 0, 255),
  TYPE("type", 3, Type.TEXT),
  PKT_SRCADDR("pkt-srcaddr", 3, Type.ADDRESS),
  PKT_DSTADDR("pkt-dstaddr", 3, Type.ADDRESS),
  REGION("region", 4, Type.TEXT),
  AZ_ID("az-id", 4, Type.TEXT),
  SUBLOCATION_TYPE("sublocation-type", 4, Type.TEXT),
  SUBLOCATION_ID("sublocation-id", 4, Type.TEXT),
  PKT_SRC_AWS_SERVICE("pkt-src-aws-service", 5, Type.TEXT),
  PKT_DST_AWS_SERVICE("pkt-dst-aws-service", 5, Type.TEXT),
  FLOW_DIRECTION("flow-direction", 5, Type.TEXT),
  TRAFFIC_PATH("traffic-path", 5, Type.INT, 1, 255),
  ECS_CLUSTER_ARN("ecs-cluster-arn", 7, Type.TEXT),
  ECS_CLUSTER_NAME("ecs-cluster-name", 7, Type.TEXT),
  ECS_CONTAINER_INSTANCE_ARN("ecs-container-instance-arn", 7, Type.TEXT),
  ECS_CONTAINER_INSTANCE_ID("ecs-container-instance-id", 7, Type.TEXT),
  ECS_CONTAINER_ID("ecs-container-id", 7, Type.TEXT),
  ECS_SECOND_CONTAINER_ID("ecs-second-container-id", 7, Type.TEXT),
  ECS_SERVICE_NAME("ecs-service-name", 7, Type.TEXT),
  ECS_TASK_DEFINITION_ARN("ecs-task-definition-arn", 7, Type.TEXT),
  ECS_TASK_ARN("ecs-task-arn", 7, Type.TEXT),
  ECS_TASK_ID("ecs-task-id", 7, Type.TEXT),
  REJECT_REASON("reject-reason", 8, Type.TEXT);

  /** What a field's text parses to. */
  public enum Type {
    INT,
    LONG,
    ADDRESS,
    TEXT
  }

  private static final Map<String, VpcField> BY_NAME = new HashMap<>();

  static {
    for (VpcField field : values()) {
      BY_NAME.put(field.fieldName, field);
    }
  }

  private final String fieldName;
  private final int version;
  private final Type type;
  private final long min;
  private final long max;

  VpcField(String fieldName, int version, Type type) {
    this(fieldName, version, type, 0, 0);
  }

  VpcField(String fieldName, int version, Type type, long min, long max) {
    this.fieldName = fieldName;
    this.version = version;
    this.type = type;
    this.min = min;
    this.max = max;
  }

  /** The field with this header name ({@code dstport}, {@code pkt-srcaddr}), if AWS defines one. */
  public static Optional<VpcField> named(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The name AWS gives the field in a format ({@code log-status}). */
  public String fieldName() {
    return fieldName;
  }

  /** The flow-log version that introduced the field. */
  public int version() {
    return version;
  }

  public Type type() {
    return type;
  }

  /** The smallest value a number field may hold. */
  public long min() {
    return min;
  }

  /** The largest value a number field may hold. */
  public long max() {
    return max;
  }

  @Override
  public String toString() {
    return fieldName;
  }
}
