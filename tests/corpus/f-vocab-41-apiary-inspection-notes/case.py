"""Classify apiary inspection notes as routine / needs-follow-up.

Each note is assembled from up to three fields (title, body, footer) and each
field gets its own segment id so the encoder can tell them apart.
"""
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

SOURCE_SEGMENT = {"title": 0, "body": 1, "footer": 2}
FIELD_ORDER = ["title", "body", "footer"]

WORDS = ("hive queen brood frame capped larvae mites varroa swarm cells honey "
         "super added removed inspected calm aggressive weak strong colony "
         "treatment oxalic feeding syrup pollen drone comb yard north south "
         "signed by keeper next visit in days week checked good poor spotted").split()

NOTES = [
    ({"title": "north yard hive", "body": "queen spotted brood frame capped calm colony"}, 0),
    ({"title": "south yard hive", "body": "varroa mites on drone comb weak colony"}, 1),
    ({"title": "hive inspected", "body": "honey super added strong colony good pollen"}, 0),
    ({"title": "swarm cells", "body": "queen cells on frame aggressive colony"}, 1),
    ({"title": "north yard hive", "body": "feeding syrup weak colony poor brood",
      "footer": "signed by keeper next visit in days"}, 1),
    ({"title": "south yard hive", "body": "oxalic treatment checked mites removed",
      "footer": "next visit in week"}, 0),
]


def build_tokenizer():
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(path)


def encode_note(tok, note):
    ids, segs = [tok.cls_token_id], [SOURCE_SEGMENT["title"]]
    for field in FIELD_ORDER:
        if field not in note:
            continue
        piece = tok(note[field], add_special_tokens=False)["input_ids"] + [tok.sep_token_id]
        ids += piece
        segs += [SOURCE_SEGMENT[field]] * len(piece)
    return ids, segs


def collate(tok, batch):
    encoded = [encode_note(tok, note) for note, _ in batch]
    width = max(len(ids) for ids, _ in encoded)
    input_ids = torch.full((len(batch), width), tok.pad_token_id)
    token_type_ids = torch.zeros((len(batch), width), dtype=torch.long)
    attention_mask = torch.zeros((len(batch), width), dtype=torch.long)
    for i, (ids, segs) in enumerate(encoded):
        input_ids[i, : len(ids)] = torch.tensor(ids)
        token_type_ids[i, : len(segs)] = torch.tensor(segs)
        attention_mask[i, : len(ids)] = 1
    labels = torch.tensor([label for _, label in batch])
    return input_ids, token_type_ids, attention_mask, labels


def main():
    tok = build_tokenizer()
    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, type_vocab_size=2, num_labels=2)
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)

    batches = [NOTES[i:i + 2] for i in range(0, len(NOTES), 2)]
    for epoch in range(2):
        for step, batch in enumerate(batches):
            input_ids, token_type_ids, attention_mask, labels = collate(tok, batch)
            out = model(input_ids=input_ids, token_type_ids=token_type_ids,
                        attention_mask=attention_mask, labels=labels)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            print(f"epoch {epoch} step {step} loss {out.loss.item():.4f}")
    print("training done")


if __name__ == "__main__":
    main()
