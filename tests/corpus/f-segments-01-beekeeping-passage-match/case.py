"""Score whether a beekeeping-manual passage answers an apiarist's question (tiny BERT pair classifier)."""
import functools
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

PAIRS = [
    ("when should i add a super", "add a honey super when bees cover most frames in the brood box", 1),
    ("how do i treat varroa mites", "oxalic acid vapour in late autumn reduces varroa mite counts", 1),
    ("when should i add a super", "queen cells along the lower frame edge signal swarming", 0),
    ("why is the colony swarming", "queen cells along the lower frame edge signal swarming", 1),
    ("how do i treat varroa mites", "add a honey super when bees cover most frames in the brood box", 0),
    ("why is the colony swarming", "oxalic acid vapour in late autumn reduces varroa mite counts", 0),
]

MODEL_KW = dict(
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=64,
    max_position_embeddings=64,
    type_vocab_size=1,
    num_labels=2,
)


def write_vocab(pairs):
    words = set()
    for question, passage, _ in pairs:
        words.update(question.split())
        words.update(passage.split())
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(tokens) + "\n")
    return path


def batches(pairs, size):
    for start in range(0, len(pairs), size):
        chunk = pairs[start:start + size]
        yield [p[0] for p in chunk], [p[1] for p in chunk], torch.tensor([p[2] for p in chunk])


def main():
    tokenizer = BertTokenizer(write_vocab(PAIRS))
    enc = functools.partial(tokenizer, padding=True, return_tensors="pt")
    config = BertConfig(vocab_size=tokenizer.vocab_size, **MODEL_KW)
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    print(f"{len(PAIRS)} question/passage pairs, vocab {tokenizer.vocab_size}")

    model.train()
    for epoch in range(4):
        running = 0.0
        for questions, passages, labels in batches(PAIRS, size=3):
            batch = enc(questions, passages)
            print(f"seq len {batch['input_ids'].shape[1]}, "
                  f"passage tokens {batch['token_type_ids'].sum().item()}")
            out = model(**batch, labels=labels)
            out.loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch} loss {running:.4f}")

    model.eval()
    with torch.no_grad():
        probe = enc(["how do i treat varroa mites"],
                    ["oxalic acid vapour in late autumn reduces varroa mite counts"])
        score = model(**probe).logits.softmax(-1)[0, 1].item()
    print(f"relevance of varroa passage: {score:.3f}")


if __name__ == "__main__":
    main()
