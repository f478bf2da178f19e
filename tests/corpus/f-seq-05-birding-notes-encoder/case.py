import os
import tempfile
from dataclasses import dataclass

import torch
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

WORDS = (
    "observer recorded flock of geese near the marsh at dawn wind from north "
    "light rain visibility moderate heron standing in reeds two egrets overhead "
    "counted eleven ducks on open water one kingfisher diving along bank "
    "song thrush calling from hedge several swallows feeding low over field "
    "temperature cold cloud cover heavy tide rising walked east toward dunes"
).split()

NOTES = [
    " ".join(WORDS),
    " ".join(WORDS[10:] + WORDS[:10]),
    " ".join(reversed(WORDS)),
]


@dataclass
class Prep:
    max_tokens: int = 100
    pad_id: int = 0


def write_vocab(words):
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        for tok in specials + sorted(set(words)):
            fh.write(tok + "\n")
    return path


def make_encoder(tok, max_tokens):
    cls_id, sep_id = tok.cls_token_id, tok.sep_token_id

    def encode(text):
        ids = tok.convert_tokens_to_ids(tok.tokenize(text))[: max_tokens]
        return [cls_id] + ids + [sep_id]

    return encode


def collate(seqs, pad_id):
    longest = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), longest), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), longest), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    return ids, mask


def main():
    prep = Prep()
    tok = BertTokenizer(write_vocab(WORDS))
    config = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=128,
        max_position_embeddings=32,
    )
    model = BertModel(config).eval()
    print(f"vocab size: {tok.vocab_size}, notes: {len(NOTES)}")

    encode = make_encoder(tok, prep.max_tokens)
    seqs = [encode(note) for note in NOTES]
    print("encoded lengths:", [len(s) for s in seqs])

    ids, mask = collate(seqs, prep.pad_id)
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids))
    weights = mask.unsqueeze(-1).float()
    pooled = (out.last_hidden_state * weights).sum(1) / weights.sum(1)
    sims = torch.nn.functional.cosine_similarity(pooled[:1], pooled[1:])
    print("note embeddings:", tuple(pooled.shape))
    print("similarity to first note:", [round(x, 3) for x in sims.tolist()])


if __name__ == "__main__":
    main()
