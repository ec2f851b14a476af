package io.cowscope.present;

/** A room message or request refused: {@code {"error": code, "field"?: field, "message"}}. */
class RoomException extends RuntimeException {
    final String code;
    final String field;

    RoomException(String code, String field, String message) {
        super(message, null, false, false);
        this.code = code;
        this.field = field;
    }

    static RoomException invalid(String field, String message) {
        return new RoomException("invalid", field, message);
    }
}
