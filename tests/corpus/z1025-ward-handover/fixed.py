# Ward handover early-warning model
# Each example is a run of consecutive shift handover notes from one ward; the model reads the
# notes with a small BERT, adds a learned shift embedding, and predicts whether the rapid
# response team was called during the following shift.
import os
import tempfile

import torch
import torch.nn as nn
import lightning as L
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

randomSeed = 7
windowLen = 3
maxLen = 20
numShiftTypes = 3  # early, late, night

handoverRows = [
    # ward, shift_no, hour, note
    ("W4", 0, 7, "bed six settled obs stable eating well"),
    ("W4", 1, 15, "bed six new oxygen need sats drifting"),
    ("W4", 2, 23, "bed six confused overnight resp rate up"),
    ("W4", 0, 7, "bed six reviewed by registrar fluids started"),
    ("W4", 1, 15, "bed six improving oxygen weaned family visited"),
    ("W4", 2, 23, "bed six slept well no concerns"),
    ("C2", 0, 7, "bay two post op pain controlled mobilising"),
    ("C2", 1, 15, "bay two drain output high bp soft"),
    ("C2", 2, 23, "bay two tachycardic cold peripheries lactate sent"),
    ("C2", 0, 7, "bay two stable after bolus urine output ok"),
    ("C2", 1, 15, "bay two eating and drinking drain removed"),
    ("C2", 2, 23, "bay two settled pain score low"),
]
# 1 = rapid response call in the shift after the window
windowOutcome = {("W4", 0): 1, ("W4", 3): 0, ("C2", 6): 1, ("C2", 9): 0}


def writeVocab(rows):
    words = sorted({w for r in rows for w in r[3].split()})
    vocabDir = tempfile.mkdtemp()
    vocabPath = os.path.join(vocabDir, "vocab.txt")
    with open(vocabPath, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return vocabPath


class HandoverWindows(Dataset):
    def __init__(self, rows, outcomes, tokenizer):
        self.items = []
        for (wardId, startIdx), flag in sorted(outcomes.items()):
            chunk = rows[startIdx:startIdx + windowLen]
            enc = tokenizer([r[3] for r in chunk], padding="max_length", truncation=True,
                            max_length=maxLen, return_tensors="pt")
            self.items.append({
                "noteIds": enc["input_ids"],
                "noteMask": enc["attention_mask"],
                "shiftNo": torch.tensor([r[1] for r in chunk]),
                "clockHour": torch.tensor([r[2] for r in chunk]),
                "target": torch.tensor(float(flag)),
            })
        print("built %d windows of %d shifts" % (len(self.items), windowLen))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


class HandoverModel(L.LightningModule):
    def __init__(self, vocabSize):
        super().__init__()
        bertCfg = BertConfig(vocab_size=vocabSize, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                             intermediate_size=64, max_position_embeddings=64)
        self.noteEncoder = BertModel(bertCfg)
        self.shiftEmb = nn.Embedding(numShiftTypes, 32)
        self.seqRnn = nn.GRU(32, 32, batch_first=True)
        self.outLayer = nn.Linear(32, 1)
        self.lossFn = nn.BCEWithLogitsLoss()

    def forward(self, noteIds, noteMask, shiftIdx):
        bsz, nShifts, seqLen = noteIds.shape
        encOut = self.noteEncoder(input_ids=noteIds.view(-1, seqLen), attention_mask=noteMask.view(-1, seqLen))
        noteVecs = encOut.last_hidden_state[:, 0].view(bsz, nShifts, -1)
        noteVecs = noteVecs + self.shiftEmb(shiftIdx)
        _, lastState = self.seqRnn(noteVecs)
        return self.outLayer(lastState[-1]).squeeze(-1)

    def training_step(self, batch, batchIdx):
        logits = self(batch["noteIds"], batch["noteMask"], batch["shiftNo"])
        lossVal = self.lossFn(logits, batch["target"])
        self.log("train_loss", lossVal)
        return lossVal

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=5e-4)


def main():
    L.seed_everything(randomSeed)
    vocabPath = writeVocab(handoverRows)
    tokenizer = BertTokenizer(vocabPath)
    print("tokenizer vocab %d" % len(tokenizer))

    trainSet = HandoverWindows(handoverRows, windowOutcome, tokenizer)
    trainLoader = DataLoader(trainSet, batch_size=2, shuffle=True)

    netModel = HandoverModel(len(tokenizer))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(netModel, trainLoader)

    netModel.eval()
    with torch.no_grad():
        for idx in range(len(trainSet)):
            item = trainSet[idx]
            prob = torch.sigmoid(netModel(item["noteIds"][None], item["noteMask"][None],
                                          item["shiftNo"][None])).item()
            print("window %d  p(rapid response) = %.3f  (actual %d)" % (idx, prob, int(item["target"])))


if __name__ == "__main__":
    main()
