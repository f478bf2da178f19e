import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "the", "inhibits", "activates", "binds", "to", "of", "and", "is", "a", "by",
    "enzyme", "substrate", "compound", "kinase", "protease", "lipase", "ligand",
    "aspirin", "ibuprofen", "caffeine", "has", "metformin", "cox", "##1", "##2", "ampk",
    "weakly", "strongly", "site", "active", "no", "effect", "on", ".",
]

SENTENCES = [
    ("aspirin inhibits the enzyme cox1 .", "aspirin", "cox1", 1),
    ("metformin activates ampk kinase .", "metformin", "ampk", 2),
    ("caffeine has no effect on lipase .", "caffeine", "lipase", 0),
    ("ibuprofen binds to the active site of cox2 .", "ibuprofen", "cox2", 1),
]
RELATIONS = ["none", "inhibits", "activates"]


def write_vocab(words):
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(words) + "\n")
    return path


class EntityMarkers:
    def __init__(self, tokenizer, open_tag="[E1]", close_tag="[/E1]"):
        self.open_tag = open_tag
        self.close_tag = close_tag
        tokenizer.add_tokens([open_tag, close_tag])
        self.ids = tokenizer.convert_tokens_to_ids([open_tag, close_tag])

    def wrap(self, sentence, head, tail):
        sentence = sentence.replace(head, f"{self.open_tag} {head} {self.close_tag}", 1)
        return sentence.replace(tail, f"{self.open_tag} {tail} {self.close_tag}", 1)


def main():
    tokenizer = BertTokenizer(write_vocab(VOCAB))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(RELATIONS),
    )
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

    markers = EntityMarkers(tokenizer)
    print("marker ids:", markers.ids)

    texts = [markers.wrap(s, h, t) for s, h, t, _ in SENTENCES]
    labels = torch.tensor([y for *_, y in SENTENCES])
    batch = tokenizer(texts, padding=True, return_tensors="pt")
    print("batch shape:", tuple(batch["input_ids"].shape))

    model.train()
    for epoch in range(3):
        out = model(**batch, labels=labels)
        out.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        print(f"epoch {epoch} loss {out.loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        preds = model(**batch).logits.argmax(-1)
    for text, p in zip(texts, preds.tolist()):
        print(f"{RELATIONS[p]:>10}  {text}")


if __name__ == "__main__":
    main()
