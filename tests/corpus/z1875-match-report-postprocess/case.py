"""Answer questions about football match reports (SQuAD-style eval loop)."""
import collections
import os
import tempfile

import numpy as np
import torch
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

torch.manual_seed(11)

SPORT_VOCAB = """[PAD] [UNK] [CLS] [SEP] [MASK] the a of in to and by was were with from
who what when which how many did scored score goal goals minute minutes half first second
final whistle penalty header free kick corner red card yellow sent off striker keeper
captain coach home away side team won lost draw 1 2 3 0 10 23 45 67 88 90 rovers united
city athletic stadium crowd fans late early equaliser winner saved missed after before
referee shown booked for foul .""".split()

REPORTS = [
    {"id": "m1", "question": "who scored the winner",
     "context": "rovers won 2 1 at home . the striker scored early with a header . city "
                "scored an equaliser after the half . the captain scored the winner in the "
                "88 minute from a free kick ."},
    {"id": "m2", "question": "who was sent off",
     "context": "united and athletic were 0 0 at the half . the keeper saved a penalty in the "
                "45 minute . the referee shown a red card to the coach . the captain was sent "
                "off in the 67 minute for a foul ."},
    {"id": "m3", "question": "how many goals were scored",
     "context": "city lost 3 1 away . the fans saw 4 goals in the second half . rovers scored "
                "3 goals and city scored 1 goal late ."},
]

MAX_LEN = 28
STRIDE = 8
MAX_ANSWER_LEN = 8


def write_vocab(folder):
    path = os.path.join(folder, "sport_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPORT_VOCAB))
    return path


def prepare_validation_features(tok, examples):
    enc = tok([e["question"] for e in examples], [e["context"] for e in examples],
              truncation="only_second", max_length=MAX_LEN, stride=STRIDE,
              return_overflowing_tokens=True, return_offsets_mapping=True,
              padding="max_length")
    sample_map = enc.pop("overflow_to_sample_mapping")
    enc["example_id"] = []
    for i in range(len(enc["input_ids"])):
        seq_ids = enc.sequence_ids(i)
        enc["example_id"].append(examples[sample_map[i]]["id"])
        enc["offset_mapping"][i] = [
            o if seq_ids[k] == 1 else None for k, o in enumerate(enc["offset_mapping"][i])
        ]
    return enc


def run_model(model, features):
    keys = ("input_ids", "attention_mask", "token_type_ids")
    batch = {k: torch.tensor(features[k]) for k in keys}
    model.eval()
    with torch.no_grad():
        out = model(**batch)
    return out.start_logits.numpy(), out.end_logits.numpy()


def postprocess(examples, features, all_start, all_end):
    per_example = collections.defaultdict(list)
    for i, ex_id in enumerate(features["example_id"]):
        per_example[ex_id].append(i)

    answers = {}
    for ex in examples:
        best_text, best_score = "", -np.inf
        for fi in per_example[ex["id"]]:
            offsets = features["offset_mapping"][fi]
            start_idx = int(np.argmax(all_start[fi]))
            end_idx = int(np.argmax(all_end[fi]))
            if end_idx < start_idx or end_idx - start_idx + 1 > MAX_ANSWER_LEN:
                continue
            score = all_start[fi][start_idx] + all_end[fi][end_idx]
            if score > best_score:
                char_lo = offsets[start_idx][0]
                char_hi = offsets[end_idx][1]
                best_text, best_score = ex["context"][char_lo:char_hi], score
        answers[ex["id"]] = best_text
    return answers


def main():
    tmp = tempfile.mkdtemp()
    tok = BertTokenizer(write_vocab(tmp))
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64)
    model = BertForQuestionAnswering(cfg)

    features = prepare_validation_features(tok, REPORTS)
    print(f"{len(REPORTS)} reports -> {len(features['input_ids'])} features")

    start_logits, end_logits = run_model(model, features)
    print("logit shapes:", start_logits.shape, end_logits.shape)

    predictions = postprocess(REPORTS, features, start_logits, end_logits)
    for ex in REPORTS:
        print(f"{ex['question']!r}: {predictions[ex['id']]!r}")


if __name__ == "__main__":
    main()
