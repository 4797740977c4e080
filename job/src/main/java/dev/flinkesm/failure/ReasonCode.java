package dev.flinkesm.failure;

/**
 * Why a mapping stopped, with the codes AWS puts in an event source mapping's {@code StateTransitionReason}.
 * The job prefixes every fatal failure's message with one of these, so operators (and the {@code esm} command)
 * can read the reason from Flink's exception history.
 */
public enum ReasonCode {
    ESM_CONFIG_NOT_VALID,
    EVENT_SOURCE_AUTHN_ERROR,
    EVENT_SOURCE_AUTHZ_ERROR,
    FUNCTION_CONFIG_NOT_VALID
}
