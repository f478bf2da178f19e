"""Key/value extraction on insurance claim forms (FUNSD-style QUESTION / ANSWER / HEADER tags).

Each form is a list of OCR words with boxes already on the 0-1000 grid and a BIO tag per
word. Words are split into word pieces, every piece inherits the box of its word, and a
tiny LayoutLM token classifier is fine-tuned for a couple of steps.
"""
import os
import tempfile

import torch
from torch.nn.utils.rnn import pad_sequence
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMForTokenClassification

torch.manual_seed(0)

TAGSET = ["O", "B-HEADER", "I-HEADER", "B-QUESTION", "I-QUESTION", "B-ANSWER", "I-ANSWER"]
TAG2ID = {t: i for i, t in enumerate(TAGSET)}

PIECES = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
          "claim", "form", "motor", "home", "insurance", "policy", "number", "claimant",
          "name", "date", "of", "loss", "description", "vehicle", "water", "damage",
          "kitchen", "rear", "collision", "jane", "doe", "mark", "##us", "ol", "##sen",
          "hp", "##4", "##7", "##2", "##9", "1", "2", "0", "-", "/", ":", "##0", "##1",
          "##3", "##5", "##8"]

claim_forms = [
    {
        "words": ["Motor", "Claim", "Form", "Policy", "Number:", "HP47290", "Claimant:",
                  "Jane", "Doe", "Date", "of", "Loss:", "12/01", "rear", "collision"],
        "boxes": [[80, 40, 220, 80], [230, 40, 340, 80], [350, 40, 450, 80],
                  [80, 150, 180, 175], [185, 150, 300, 175], [320, 150, 470, 175],
                  [80, 200, 230, 225], [320, 200, 390, 225], [395, 200, 450, 225],
                  [80, 250, 140, 275], [145, 250, 170, 275], [175, 250, 240, 275],
                  [320, 250, 420, 275], [80, 330, 150, 355], [155, 330, 280, 355]],
        "tags": ["B-HEADER", "I-HEADER", "I-HEADER", "B-QUESTION", "I-QUESTION", "B-ANSWER",
                 "B-QUESTION", "B-ANSWER", "I-ANSWER", "B-QUESTION", "I-QUESTION", "I-QUESTION",
                 "B-ANSWER", "B-ANSWER", "I-ANSWER"],
    },
    {
        "words": ["Home", "Insurance", "Claim", "Claimant", "Name:", "Markus", "Olsen",
                  "Description:", "water", "damage", "kitchen"],
        "boxes": [[80, 40, 190, 80], [195, 40, 360, 80], [365, 40, 460, 80],
                  [80, 150, 200, 175], [205, 150, 280, 175], [320, 150, 420, 175],
                  [425, 150, 510, 175], [80, 220, 250, 245], [320, 220, 390, 245],
                  [395, 220, 480, 245], [485, 220, 570, 245]],
        "tags": ["B-HEADER", "I-HEADER", "I-HEADER", "B-QUESTION", "I-QUESTION", "B-ANSWER",
                 "I-ANSWER", "B-QUESTION", "B-ANSWER", "I-ANSWER", "I-ANSWER"],
    },
]


def load_tokenizer():
    folder = tempfile.mkdtemp(prefix="claims_")
    vocab_file = os.path.join(folder, "vocab.txt")
    with open(vocab_file, "w") as fh:
        for piece in PIECES:
            fh.write(piece + "\n")
    return BertTokenizer(vocab_file, do_lower_case=True)


def featurize(form, tokenizer):
    piece_ids = [tokenizer.cls_token_id]
    piece_boxes = [[0, 0, 0, 0]]
    for word, box in zip(form["words"], form["boxes"]):
        ids = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(word))
        piece_ids.extend(ids)
        piece_boxes.extend([box] * len(ids))
    piece_ids.append(tokenizer.sep_token_id)
    piece_boxes.append([1000, 1000, 1000, 1000])
    return {
        "input_ids": torch.tensor(piece_ids),
        "bbox": torch.tensor(piece_boxes),
        "attention_mask": torch.ones(len(piece_ids), dtype=torch.long),
        "labels": torch.tensor([TAG2ID[t] for t in form["tags"]]),
    }


PAD_VALUES = {"input_ids": 0, "bbox": 0, "attention_mask": 0, "labels": -100}


def stack_forms(features):
    return {
        key: pad_sequence([f[key] for f in features], batch_first=True, padding_value=fill)
        for key, fill in PAD_VALUES.items()
    }


def main():
    tokenizer = load_tokenizer()
    features = [featurize(form, tokenizer) for form in claim_forms]
    batch = stack_forms(features)
    for key, value in batch.items():
        print(f"{key:15s} {tuple(value.shape)}")

    cfg = LayoutLMConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64, num_labels=len(TAGSET))
    kv_model = LayoutLMForTokenClassification(cfg)
    opt = torch.optim.Adam(kv_model.parameters(), lr=1e-3)

    kv_model.train()
    for epoch in range(3):
        result = kv_model(**batch)
        result.loss.backward()
        opt.step()
        opt.zero_grad()
        print(f"epoch {epoch}: loss={result.loss.item():.4f}")


if __name__ == "__main__":
    main()
