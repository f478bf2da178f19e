# Harbour-master radio log -> embeddings, built as a chain of generator stages
# so the same pipeline can later read from the live VHF transcript feed.
import os
import tempfile

import torch
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(22)

PORT_TOKENS = {"rotterdam": "[PORT_RTM]", "felixstowe": "[PORT_FXT]", "bergen": "[PORT_BGO]"}

RADIO_LOG = [
    ("rotterdam", "pilot boarding at maas entrance eta two hours"),
    ("rotterdam", "vessel requesting berth change due to draught"),
    ("felixstowe", "tug assistance required for container ship"),
    ("felixstowe", "holding at anchorage awaiting tide"),
    ("bergen", "ferry delayed by fog in the fjord"),
    ("bergen", "fishing vessel reporting engine trouble near breakwater"),
]


def write_vocab(folder):
    words = sorted({w for _, text in RADIO_LOG for w in text.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(PORT_TOKENS.values())
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def read_log(records, size):
    for i in range(0, len(records), size):
        yield records[i:i + size]


def tokenize(chunks, tok):
    for chunk in chunks:
        batch = dict(tok([text for _, text in chunk], padding=True, return_tensors="pt"))
        batch["port"] = [port for port, _ in chunk]
        yield batch


def add_port_token(batches, tok):
    for batch in batches:
        port_ids = torch.tensor([[tok.convert_tokens_to_ids(PORT_TOKENS[p])] for p in batch["port"]])
        batch["input_ids"] = torch.cat([port_ids, batch["input_ids"]], dim=1)
        batch["attention_mask"] = torch.cat([torch.ones_like(port_ids), batch["attention_mask"]], dim=1)
        yield batch


def embed(batches, model):
    for batch in batches:
        out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        # take the port token's position as the message vector
        yield batch["port"], out.last_hidden_state[:, 0]


def main():
    tok = BertTokenizer(write_vocab(tempfile.mkdtemp()))
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=48)
    model = BertModel(cfg).eval()

    pipeline = embed(add_port_token(tokenize(read_log(RADIO_LOG, 3), tok), tok), model)
    ports, vectors = [], []
    with torch.no_grad():
        for batch_ports, vecs in pipeline:
            ports.extend(batch_ports)
            vectors.append(vecs)
    vectors = torch.cat(vectors)
    print("embedded", vectors.shape[0], "messages of width", vectors.shape[1])

    for port in PORT_TOKENS:
        rows = vectors[[i for i, p in enumerate(ports) if p == port]]
        spread = torch.cdist(rows, rows).max().item()
        print(f"{port:12s} messages={rows.shape[0]} spread={spread:.3f}")


if __name__ == "__main__":
    main()
