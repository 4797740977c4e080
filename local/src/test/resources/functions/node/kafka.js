// A Kafka handler with Powertools for AWS Lambda's Kafka consumer: it decodes our events' base64 values as JSON.
// Appends requestId,topic,partition,offset,key,value (key and value base64, as Powertools kept them) per record to
// $RECORD_TO, and checks that the decoded value is the JSON the original bytes hold.
const { appendFileSync } = require('node:fs');
const { kafkaConsumer } = require('@aws-lambda-powertools/kafka');

exports.handler = kafkaConsumer(async (event, context) => {
  let lines = '';
  for (const record of event.records) {
    const original = Buffer.from(record.originalValue, 'base64').toString('utf8');
    if (JSON.stringify(record.value) !== JSON.stringify(JSON.parse(original))) {
      throw new Error(`decoded value differs at ${record.topic}-${record.partition}@${record.offset}`);
    }
    lines += [context.awsRequestId, record.topic, record.partition, record.offset,
      record.originalKey ?? '', record.originalValue].join(',') + '\n';
  }
  appendFileSync(process.env.RECORD_TO, lines);
  console.log(`received ${event.records.length} records`);
  return 'ok';
}, { value: { type: 'json' } });
