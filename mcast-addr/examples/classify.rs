//! Classify IP multicast addresses and MAC addresses: registry block and RFC, scope, SSM, GLOP,
//! unicast-prefix-based and embedded-RP decoding, the MAC address a group maps to and the other
//! groups that share it.
//!
//! ```text
//! cargo run -p mcast-addr --example classify                 # a tour of interesting addresses
//! cargo run -p mcast-addr --example classify 239.1.2.3 ff05::1:3 01:00:5e:7f:00:01
//! ```

use mcast_addr::describe::{Input, NOT_AN_ADDRESS};

/// What the example shows when given no address: one of each kind.
const TOUR: &[&str] = &[
    "224.0.0.1",
    "224.0.0.22",
    "224.0.1.40",
    "232.1.2.3",
    "233.252.0.1",
    "233.3.4.5",
    "234.192.0.2",
    "239.255.0.1",
    "239.192.1.1",
    "239.255.255.253",
    "ff02::1",
    "ff02::1:ff28:9c5a",
    "ff3e::8000:1",
    "ff3e:30:2001:db8:beef::1234",
    "ff7e:140:2001:db8::1234",
    "ff7e:40:2001:db8::1234",
    "01:00:5e:01:01:01",
    "33:33:00:00:00:16",
    "10.0.0.1",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let inputs: Vec<&str> = if args.is_empty() {
        println!("No address given: here is a tour. Pass your own, e.g.");
        println!(
            "  cargo run -p mcast-addr --example classify 239.1.2.3 ff05::1:3 01:00:5e:7f:00:01\n"
        );
        TOUR.to_vec()
    } else {
        args.iter().map(String::as_str).collect()
    };
    for (i, word) in inputs.iter().enumerate() {
        if i > 0 {
            println!();
        }
        match word.parse::<Input>() {
            Ok(input) => print!("{input}\n{}", input.describe()),
            Err(_) => println!("{word}\n  {NOT_AN_ADDRESS}"),
        }
    }
}
