export * from './log-class';
export * from './central-log-destination-props';
export * from './central-log-destination';
export * from './central-log-shipping';
export * from './security-event-capture-props';
export * from './security-event-capture';
