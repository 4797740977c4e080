// A handler run by npm's aws-lambda-ric in a test; the same actions as the Java Behave handler.
exports.handler = async (event, context) => {
  if (event.do === 'fail') throw new TypeError('asked to fail');
  if (event.do === 'exit') { console.log('exiting as asked'); process.exit(3); }
  if (event.do === 'sleep') await new Promise((resolve) => setTimeout(resolve, event.ms));
  console.log(`echo for request ${context.awsRequestId}`);
  return {
    pid: process.pid,
    functionName: context.functionName,
    invokedArn: context.invokedFunctionArn,
    memory: Number(context.memoryLimitInMB),
    remainingMs: context.getRemainingTimeInMillis(),
    logGroup: context.logGroupName,
    region: process.env.AWS_REGION,
    handlerEnv: process.env._HANDLER,
    own: process.env.GREETING,
    input: event,
  };
};
