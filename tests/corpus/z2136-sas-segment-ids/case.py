"""Short-answer grader for 8th-grade physical science quiz items.

Every student response is encoded as one BERT sequence
    [CLS] question [SEP] reference answer [SEP] student answer [SEP]
and classified as incorrect / partial / correct.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
random.seed(0)

VERDICTS = ["incorrect", "partial", "correct"]

QUIZ = [
    {
        "question": "why does a metal spoon feel colder than a wooden spoon",
        "reference": "metal conducts heat away from your hand faster than wood",
        "responses": [
            ("metal conducts heat faster so it takes heat from your hand", "correct"),
            ("the metal is colder than the wood", "incorrect"),
            ("metal moves heat better", "partial"),
            ("heat leaves your hand faster into the metal", "correct"),
        ],
    },
    {
        "question": "what happens to the particles of water when it boils",
        "reference": "the particles gain energy move faster and spread apart into a gas",
        "responses": [
            ("they move faster and spread apart", "correct"),
            ("the water gets hot", "incorrect"),
            ("particles get more energy", "partial"),
            ("they turn into gas because they move apart with more energy", "correct"),
        ],
    },
    {
        "question": "why do we see lightning before we hear thunder",
        "reference": "light travels much faster than sound",
        "responses": [
            ("because light is faster than sound", "correct"),
            ("thunder happens later", "incorrect"),
            ("sound is slow", "partial"),
            ("light moves faster so it reaches us first", "correct"),
        ],
    },
]


def write_vocab(quiz, folder):
    words = set()
    for item in quiz:
        words.update(item["question"].split())
        words.update(item["reference"].split())
        for text, _ in item["responses"]:
            words.update(text.split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")
    return path


def encode_response(tok, question, reference, answer, max_len=64):
    q_toks = tok.tokenize(question)
    r_toks = tok.tokenize(reference)
    a_toks = tok.tokenize(answer)
    pieces = [tok.cls_token] + q_toks + [tok.sep_token]
    segment_ids = [0] * len(pieces)
    pieces += r_toks + [tok.sep_token]
    segment_ids += [1] * (len(r_toks) + 1)
    pieces += a_toks + [tok.sep_token]
    segment_ids += [2] * (len(a_toks) + 1)
    pieces, segment_ids = pieces[:max_len], segment_ids[:max_len]
    return tok.convert_tokens_to_ids(pieces), segment_ids


def build_examples(tok, quiz):
    examples = []
    for item in quiz:
        for text, verdict in item["responses"]:
            wp_ids, segs = encode_response(tok, item["question"], item["reference"], text)
            examples.append((wp_ids, segs, VERDICTS.index(verdict)))
    return examples


def collate(batch, pad_id):
    longest = max(len(wp) for wp, _, _ in batch)
    wp_rows, seg_rows, mask_rows, verdicts = [], [], [], []
    for wp_ids, segs, verdict in batch:
        gap = longest - len(wp_ids)
        wp_rows.append(wp_ids + [pad_id] * gap)
        seg_rows.append(segs + [0] * gap)
        mask_rows.append([1] * len(wp_ids) + [0] * gap)
        verdicts.append(verdict)
    return (torch.tensor(wp_rows), torch.tensor(seg_rows),
            torch.tensor(mask_rows), torch.tensor(verdicts))


class ResponseGrader(nn.Module):
    def __init__(self, config, n_verdicts):
        super().__init__()
        self.encoder = BertModel(config)
        self.dropout = nn.Dropout(0.1)
        self.verdict_head = nn.Linear(config.hidden_size, n_verdicts)

    def forward(self, wordpieces, segments, mask):
        enc = self.encoder(input_ids=wordpieces, token_type_ids=segments, attention_mask=mask)
        return self.verdict_head(self.dropout(enc.pooler_output))


def main():
    workdir = tempfile.mkdtemp(prefix="sas_grader_")
    tok = BertTokenizer(write_vocab(QUIZ, workdir))
    examples = build_examples(tok, QUIZ)
    print(f"{len(examples)} graded responses, vocab {tok.vocab_size}")

    config = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    grader = ResponseGrader(config, len(VERDICTS))
    optim = torch.optim.AdamW(grader.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        random.shuffle(examples)
        total = 0.0
        for start in range(0, len(examples), 4):
            wp, seg, mask, gold = collate(examples[start:start + 4], tok.pad_token_id)
            logits = grader(wp, seg, mask)
            loss = loss_fn(logits, gold)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total:.4f}")

    grader.eval()
    with torch.no_grad():
        wp, seg, mask, gold = collate(examples, tok.pad_token_id)
        acc = (grader(wp, seg, mask).argmax(-1) == gold).float().mean().item()
    print(f"train accuracy {acc:.3f}")


if __name__ == "__main__":
    main()
