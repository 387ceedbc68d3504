// One long synchronous task, no event-loop turn until the end: a migration
// has to capture it mid-loop. Digits of big factorials as arrays.
function multiply(digits, k) {
  let carry = 0;
  for (let i = 0; i < digits.length; i++) {
    const v = digits[i] * k + carry;
    digits[i] = v % 10;
    carry = Math.floor(v / 10);
  }
  while (carry > 0) {
    digits.push(carry % 10);
    carry = Math.floor(carry / 10);
  }
}
const digits = [1];
let checksum = 0;
for (let n = 2; n <= 3000; n++) {
  multiply(digits, n);
  checksum = (checksum * 31 + digits[digits.length - 1] + digits.length) % 1000003;
  if (n % 100 === 0) console.log(`${n}! has ${digits.length} digits, checksum ${checksum}`);
}
console.log('leading digits of 3000!:', digits.slice(-12).reverse().join(''));
