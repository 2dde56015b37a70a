/// Volume transfers (`cinder/transfer/api.py` and the `transfer_*` functions of
/// `cinder/db/api.py`): the volume waits `awaiting-transfer` while a transfer is offered.
extension VolumeTransitions {
    /// `transfer_create`: `available` → `awaiting-transfer`.
    public static let transferCreate = VolumeTransition(
        "transfer_create",
        from: [.available],
        to: .status(.awaitingTransfer)
    )

    /// `transfer_destroy`: `awaiting-transfer` → `available` (cinder deletes the transfer
    /// even when the volume has left `awaiting-transfer`; the volume is then left alone).
    public static let transferDelete = VolumeTransition(
        "transfer_destroy",
        from: [.awaitingTransfer],
        to: .status(.available)
    )

    /// `transfer_accept`: `awaiting-transfer` → `available`, with the accepting user and
    /// project written alongside.
    public static let transferAccept = VolumeTransition(
        "transfer_accept",
        from: [.awaitingTransfer],
        to: .status(.available)
    )

    /// The manager's `accept_transfer` could not write the driver's model update: the volume
    /// goes `error` whatever its status (cinder's plain `volume_update`).
    public static let transferAcceptFailed = VolumeTransition(
        "accept_transfer",
        from: nil,
        to: .status(.error)
    )
}
